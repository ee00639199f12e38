import { type Job, type Processor, Worker, type WorkerOptions } from "bullmq";

/**
 * BullMQ's Worker without two kinds of Redis work that find nothing, its jobs' semantics unchanged.
 *
 * - A finished job fetches the next one in its completion script only while this worker is full. With
 *   a free slot the worker's own fetch loop takes new jobs (the queue's marker wakes it), so that fetch
 *   found the queue empty: six commands per job (HMGET, ZRANGEBYSCORE, RPOPLPUSH, ZPOPMIN, DEL, ZRANGE)
 *   for nothing. Full, it still saves the loop's own fetch.
 * - The stalled-job check (a Lua step of seven commands, every `stalledInterval` on each queue) runs only
 *   while the queue has active jobs: with none there is nothing to retake nor to mark. A job that starts
 *   just after the LLEN is marked at the next check, as one that starts just after a check always was,
 *   so a killed worker's job is still retaken within one interval of its lock's expiry.
 */
export class LeanWorker<Data> extends Worker<Data> {
  private jobsRunning = 0;

  constructor(name: string, processor: Processor<Data>, options: WorkerOptions) {
    super(name, processor, options);
    const { scripts } = this;
    const check = scripts.moveStalledJobsToWait.bind(scripts);
    scripts.moveStalledJobsToWait = async () =>
      (await (await this.client).llen(this.keys.active!)) > 0 ? check() : [];
  }

  override async processJob(
    job: Job<Data>,
    token: string,
    fetchNext: () => boolean = () => true,
  ): ReturnType<Worker<Data>["processJob"]> {
    this.jobsRunning++;
    try {
      return await super.processJob(job, token, () => fetchNext() && this.jobsRunning >= this.concurrency);
    } finally {
      this.jobsRunning--;
    }
  }
}
