import { type Job, type Processor, type RedisClient, Worker, type WorkerOptions } from "bullmq";

/** How soon after a fetch that found nothing the next fetch looks before running BullMQ's step. */
const RECHECK_MS = 50;

/**
 * BullMQ's Worker without Redis work that finds nothing, its jobs' semantics unchanged.
 *
 * - A finished job fetches the next one in its completion script only while this worker is full. With
 *   a free slot the worker's own fetch loop takes new jobs (the queue's marker wakes it), so that fetch
 *   found the queue empty: six commands per job (HMGET, ZRANGEBYSCORE, RPOPLPUSH, ZPOPMIN, DEL, ZRANGE)
 *   for nothing. Full, it still saves the loop's own fetch.
 * - The fetches that usually find nothing first count what they could take (three commands in one
 *   round trip) and run BullMQ's fetch step (seven) only when that is not nothing. A worker woken by a
 *   job fetches again at once (for a burst), which finds nothing when the job came alone; and BullMQ
 *   sets the queue's wake-up marker again on every job it hands out, so the loop then wakes at once and
 *   fetches a third time. So a fetch is checked first right after one that found nothing (within
 *   `RECHECK_MS`) and right after a woken worker's first job; in a burst only the second fetch pays the
 *   check for nothing. Nothing is lost by the check: every job that reaches the wait list (added,
 *   retried, promoted, retaken) sets the marker, which wakes the worker's next blocking wait.
 * - The stalled-job check (a Lua step of seven commands, every `stalledInterval` on each queue) runs only
 *   while the queue has active jobs: with none there is nothing to retake nor to mark. A job that starts
 *   just after the LLEN is marked at the next check, as one that starts just after a check always was,
 *   so a killed worker's job is still retaken within one interval of its lock's expiry.
 */
export class LeanWorker<Data> extends Worker<Data> {
  private jobsRunning = 0;
  /** When this worker's last fetch found nothing (0 after one that found a job). */
  private emptyFetchAt = 0;
  /** Whether the last fetch found a job right after one that found nothing (an idle worker woken). */
  private wokenByJob = false;

  constructor(name: string, processor: Processor<Data>, options: WorkerOptions) {
    super(name, processor, options);
    const { scripts } = this;
    const check = scripts.moveStalledJobsToWait.bind(scripts);
    scripts.moveStalledJobsToWait = async () =>
      (await (await this.client).llen(this.keys.active!)) > 0 ? check() : [];
  }

  protected override async moveToActive(
    client: RedisClient,
    token: string,
    name?: string,
  ): Promise<Job<Data>> {
    const lookFirst = this.emptyFetchAt > 0 ? Date.now() - this.emptyFetchAt < RECHECK_MS : this.wokenByJob;
    if (lookFirst && (await this.nothingToTake(client))) {
      this.emptyFetchAt = Date.now();
      this.wokenByJob = false;
      return this.nextJobFromJobData(undefined, undefined, token);
    }
    const job = await super.moveToActive(client, token, name);
    if (job) this.wokenByJob = this.emptyFetchAt > 0;
    this.emptyFetchAt = job ? 0 : Date.now();
    return job;
  }

  /** Whether BullMQ's fetch step would find nothing: no job waiting, prioritized or delayed. */
  private async nothingToTake(client: RedisClient): Promise<boolean> {
    const { wait, prioritized, delayed } = this.keys;
    const counts = await Promise.all([
      client.llen(wait!),
      client.zcard(prioritized!),
      client.zcard(delayed!),
    ]);
    return counts.every((count) => count === 0);
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
