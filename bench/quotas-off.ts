/**
 * The one override of the shipped defaults in every bench scenario: the per-member, channel, workspace
 * and global quotas (which would rightly refuse one bench workspace's thousands of messages) are off.
 */
export const QUOTAS_OFF: Record<string, string> = {
  QUOTA_TURNS_PER_HOUR: "user=0,channel=0,workspace=0,global=0",
  QUOTA_GENERATIONS_PER_DAY: "user=0,channel=0,workspace=0,global=0",
  QUOTA_EXPORTS_PER_DAY: "user=0,channel=0,workspace=0,global=0",
  QUOTA_QUEUED_PER_THREAD: "0",
  QUOTA_RUNNING_TURNS_PER_USER: "0",
};
