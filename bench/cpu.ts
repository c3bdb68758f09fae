import fs from 'node:fs';
import os from 'node:os';

/**
 * CPU time from /proc (Linux), so a bench can say whether a figure was limited by the design or by a
 * machine with no core to spare. Ticks are USER_HZ (100 a second on Linux).
 */
const TICKS_PER_SECOND = 100;

interface Sample {
  at: number;
  busy: number;
  total: number;
  processes: Map<number, number>;
}

function machineTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

function processTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export function sampleCpu(pids: Record<string, number | undefined>): Sample {
  const processes = new Map<number, number>();
  for (const pid of Object.values(pids)) if (pid) processes.set(pid, processTicks(pid));
  return { at: Date.now(), ...machineTicks(), processes };
}

/** "machine 187% of 200% busy; web 45%, worker 1 38%, ..." between two samples. */
export function cpuSummary(before: Sample, pids: Record<string, number | undefined>): string {
  const after = sampleCpu(pids);
  const seconds = (after.at - before.at) / 1000;
  const cores = os.cpus().length;
  const machine = ((after.busy - before.busy) / (after.total - before.total)) * cores * 100;
  const parts = Object.entries(pids).map(([name, pid]) => {
    const used = pid ? (after.processes.get(pid) ?? 0) - (before.processes.get(pid) ?? 0) : 0;
    return `${name} ${((used / TICKS_PER_SECOND / seconds) * 100).toFixed(0)}%`;
  });
  return `CPU: machine ${machine.toFixed(0)}% busy of ${cores * 100}%; ${parts.join(', ')}`;
}
