// AudioWorklet tap: copies every render quantum of its input (stereo) to the main thread in ~93 ms
// batches, with the context frame at which the batch starts. Outputs silence.
class Recorder extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = 4096;
    this.l = new Float32Array(this.size);
    this.r = new Float32Array(this.size);
    this.fill = 0;
    this.startFrame = -1;
  }
  process(inputs) {
    const input = inputs[0];
    const l = input?.[0];
    if (!l) return true;
    const r = input[1] ?? l;
    if (this.startFrame < 0) this.startFrame = currentFrame;
    this.l.set(l, this.fill);
    this.r.set(r, this.fill);
    this.fill += l.length;
    if (this.fill >= this.size) {
      this.port.postMessage({ frame: this.startFrame, l: this.l, r: this.r }, [this.l.buffer, this.r.buffer]);
      this.l = new Float32Array(this.size);
      this.r = new Float32Array(this.size);
      this.fill = 0;
      this.startFrame = -1;
    }
    return true;
  }
}
registerProcessor('recorder', Recorder);
