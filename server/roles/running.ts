/** A started role; stop() is graceful (work in hand finishes or goes back to the database). */
export interface RunningRole {
  stop(): Promise<void>;
}
