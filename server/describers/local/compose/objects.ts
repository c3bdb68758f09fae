import type { DetectedObject, RelativeBox, Signals } from '../signals';
import { ANIMALS, SMALL_BY_NATURE, VEHICLES, WORN } from './vocabulary';

/** Thresholds measured on the development set (notes §8.1, and eval:local). */
export const OBJECT_THRESHOLD = 0.3;
/** A worn item inside a confident person's box (a tie, a backpack) needs less evidence. */
const WORN_THRESHOLD = 0.2;
/** A detection the mirror pass did not confirm counts for a little less (test-time augmentation). */
const SINGLE_PASS_FACTOR = 0.9;
/** Boxes smaller than this share of the image are background specks unless confident or small by nature. */
const TINY_AREA = 0.004;
const TINY_AREA_SMALL_CLASS = 0.0005;
/** Instances under this share of the class's largest box are background (the crowd behind a player). */
const BACKGROUND_SHARE = 0.15;
/** A box covering most of the frame with a middling score is how CenterNet reacts to textures and paintings. */
const FULL_FRAME_AREA = 0.8;
const FULL_FRAME_TRUST = 0.5;
const FACE_FOR_PERSON = 0.7;
/**
 * Under this score the species of an animal is a guess (dn_dog's dog scores 0.42; paintings and
 * textures read as animals score lower): the animal is named as "an animal", never a wrong species.
 */
const SPECIES_TRUST = 0.4;
/** Two classes on (nearly) the same box: the detector cannot tell which it is. */
const SAME_THING = 0.5;

/** Kinds whose members the detector confuses: disagreement between them is named by the kind. */
const BROADER_KINDS: ReadonlyArray<{ kind: string; members: ReadonlySet<string> }> = [
  { kind: 'animal', members: ANIMALS },
  { kind: 'vehicle', members: VEHICLES },
];

export interface Subject {
  /** COCO label, or "animal" when the species is uncertain. */
  label: string;
  count: number;
  /** Largest instance: its box and score. */
  box: RelativeBox;
  score: number;
  /** Sum over instances of area × score; the ranking key. */
  salience: number;
}

export interface SceneObjects {
  /** Most salient first. People are included as label "person". */
  subjects: Subject[];
  people: number;
  /** Every counted person's face smiles. */
  smiling: boolean;
  /** Largest face as a share of the image (for "portrait"). */
  largestFace: number;
}

const area = (b: RelativeBox) => b[2] * b[3];

function iou(a: RelativeBox, b: RelativeBox): number {
  const x = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const y = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = x * y;
  return inter === 0 ? 0 : inter / (area(a) + area(b) - inter);
}

function inside(inner: RelativeBox, outer: RelativeBox): boolean {
  const cx = inner[0] + inner[2] / 2;
  const cy = inner[1] + inner[3] / 2;
  return cx >= outer[0] && cx <= outer[0] + outer[2] && cy >= outer[1] && cy <= outer[1] + outer[3];
}

/** Merges the direct and mirrored passes: one instance per overlapping pair of the same class. */
export function mergePasses(objects: DetectedObject[], mirroredPass: boolean): Array<{ label: string; score: number; box: RelativeBox }> {
  const direct = objects.filter((o) => o.pass === 'direct');
  const mirrored = objects.filter((o) => o.pass === 'mirrored');
  // Without a mirrored pass there is nothing to confirm against: no penalty.
  const unconfirmed = mirroredPass ? SINGLE_PASS_FACTOR : 1;
  const used = new Set<DetectedObject>();
  const merged = direct.map((d) => {
    const twin = mirrored
      .filter((m) => m.label === d.label && !used.has(m) && iou(m.box, d.box) >= 0.5)
      .sort((a, b) => iou(b.box, d.box) - iou(a.box, d.box))[0];
    if (twin) used.add(twin);
    const score = twin ? Math.max(d.score, twin.score) : d.score * unconfirmed;
    return { label: d.label, score, box: d.box };
  });
  for (const m of mirrored) if (!used.has(m)) merged.push({ label: m.label, score: m.score * unconfirmed, box: m.box });
  return merged;
}

/** Picks the objects worth naming, counts them, and counts people from boxes and faces. */
export function selectObjects(signals: Signals): SceneObjects {
  const instances = mergePasses(signals.objects, signals.mirroredPass);
  const people = instances.filter((o) => o.label === 'person' && o.score >= 0.5);
  const kept = instances.filter((o) => {
    const threshold = WORN.has(o.label) && people.some((p) => inside(o.box, p.box)) ? WORN_THRESHOLD : OBJECT_THRESHOLD;
    if (o.score < threshold) return false;
    const tiny = SMALL_BY_NATURE.has(o.label) ? TINY_AREA_SMALL_CLASS : TINY_AREA;
    return !(area(o.box) < tiny && o.score < 0.5);
  });
  const faces = signals.faces.filter((f) => f.score >= FACE_FOR_PERSON);
  const byLabel = new Map<string, typeof kept>();
  for (const o of kept) {
    let label = o.label;
    if (ANIMALS.has(label) && area(o.box) >= FULL_FRAME_AREA && o.score < FULL_FRAME_TRUST) {
      // A real animal close-up shows a face; without one, the box is a texture guess.
      if (!signals.faces.some((f) => inside(f.box, o.box))) continue;
      label = 'animal';
    }
    byLabel.set(label, [...(byLabel.get(label) ?? []), { ...o, label }]);
  }
  const subjects: Subject[] = [];
  for (const [label, list] of byLabel) {
    const largest = Math.max(...list.map((o) => area(o.box)));
    const counted = list.filter((o) => area(o.box) >= largest * BACKGROUND_SHARE);
    const top = counted.sort((a, b) => area(b.box) * b.score - area(a.box) * a.score)[0];
    subjects.push({
      label,
      count: counted.length,
      box: top.box,
      score: top.score,
      salience: counted.reduce((s, o) => s + area(o.box) * o.score, 0),
    });
  }
  hedgeUncertain(subjects);
  const hasAnimal = subjects.some((s) => ANIMALS.has(s.label) || s.label === 'animal');
  // BlazeFace fires on dog and bird faces: faces count as people only when no animal is in view.
  const faceCount = hasAnimal ? 0 : faces.length;
  const personSubject = subjects.find((s) => s.label === 'person');
  const peopleCount = Math.max(personSubject?.count ?? 0, faceCount);
  if (peopleCount > 0 && !personSubject) {
    const face = faces[0];
    subjects.push({ label: 'person', count: peopleCount, box: face.box, score: face.score, salience: area(face.box) * 4 * face.score });
  } else if (personSubject) {
    personSubject.count = peopleCount;
  }
  subjects.sort((a, b) => b.salience - a.salience);
  const personFaces = hasAnimal ? [] : faces;
  return {
    subjects,
    people: peopleCount,
    smiling: personFaces.length > 0 && personFaces.length >= Math.min(peopleCount, 3) && personFaces.every((f) => f.smile >= 0.7),
    largestFace: Math.max(0, ...personFaces.map((f) => area(f.box))),
  };
}

/**
 * Says the broader kind rather than a wrong name: an animal class whose best instance is a weak
 * guess becomes "animal", and two classes of one kind on the same box ("dog" and "cat", "car" and
 * "truck") become one subject of that kind, counted once.
 */
export function hedgeUncertain(subjects: Subject[]): void {
  for (const subject of subjects) {
    if (ANIMALS.has(subject.label) && subject.score < SPECIES_TRUST) subject.label = 'animal';
  }
  for (const { kind, members } of BROADER_KINDS) {
    const inKind = (s: Subject) => members.has(s.label) || s.label === kind;
    for (let i = 0; i < subjects.length; i++) {
      for (let j = i + 1; j < subjects.length; j++) {
        const [a, b] = [subjects[i]!, subjects[j]!];
        if (a.label === b.label || !inKind(a) || !inKind(b) || iou(a.box, b.box) < SAME_THING) continue;
        const best = a.score >= b.score ? a : b;
        subjects[i] = { label: kind, count: Math.max(a.count, b.count), box: best.box, score: best.score, salience: Math.max(a.salience, b.salience) };
        subjects.splice(j, 1);
        j = i;
      }
    }
  }
  // Two weak guesses may both have become "animal": one subject.
  const animals = subjects.filter((s) => s.label === 'animal');
  if (animals.length > 1) {
    const [first, ...rest] = animals.sort((a, b) => b.salience - a.salience);
    first!.count = Math.max(...animals.map((a) => a.count));
    for (const extra of rest) subjects.splice(subjects.indexOf(extra), 1);
  }
}
