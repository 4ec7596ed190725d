/** A point a task can be held at: {@link hold} resolves `arrived` and waits until {@link release}. */
export class Gate {
  private open!: () => void;
  private entered!: () => void;
  gate = new Promise<void>((resolve) => (this.open = resolve));
  arrived = new Promise<void>((resolve) => (this.entered = resolve));

  /** Resolves when the gate is released. */
  async hold(): Promise<void> {
    this.entered();
    await this.gate;
  }

  release(): void {
    this.open();
  }
}
