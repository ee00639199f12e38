import type { Lang } from "./language.js";

/**
 * Every user-facing text of the bot, in English. `{name}` marks a parameter filled in by {@link text}.
 * Keys are grouped by the flow that uses them.
 */
const EN = {
  // Acknowledgement, queue and progress
  ack: "⏳ On it…",
  queued_next: "⏳ Queued — you're next in this thread",
  queued_one: "⏳ Queued — 1 message ahead in this thread",
  queued_many: "⏳ Queued — {ahead} messages ahead in this thread",
  connecting: "⏳ Connecting to NemoVideo…",
  still_working: "⏳ Still working ({minutes} min)",
  assistant_status: "is working on your video…",
  raw_video_ready: "🎬 Raw video ready — adding music and a title…",
  post_production_done: "✨ Music and title added.",

  // Tool progress labels (see tool-labels.ts)
  tool_generate_video: "🎬 Generating video — usually 2–5 min",
  tool_image: "🖼️ Generating image…",
  tool_music: "🎵 Adding music…",
  tool_voice: "🎙️ Adding a voice-over…",
  tool_text: "🔤 Adding text…",
  tool_post_production: "✨ Adding music and a title…",
  tool_import: "📥 Importing media…",
  tool_render: "🎞️ Rendering…",
  tool_edit: "✂️ Editing…",
  tool_default: "⚙️ Working…",

  // Silent streams and recovery after a drop
  silent_change_header: "Done. What changed:",
  silent_no_change: "The backend finished without a reply and nothing in the project changed.",
  retry_offer: "Tap Retry to send your message again.",
  recovering: "The connection dropped; checking what the backend did…",
  recovered_changes: "The connection dropped, but the backend kept working. What changed:",
  recovery_nothing: "Nothing changed after the connection dropped. Tap Retry to send your message again.",
  recovery_unknown:
    "The connection dropped and I couldn't confirm what the backend did. Check the timeline before sending your message again.",
  answer_cut_off: "⚠️ The answer was cut off here: its connection to NemoVideo was lost before it finished.",
  answer_too_long: "✂️ The answer was longer than {max} characters and was cut here.",

  // /run_sse refused with an HTTP error, and a backend that cannot be reached
  refused_checking: "NemoVideo answered with an error (HTTP {status}); checking whether it did anything…",
  refused_not_processed:
    "NemoVideo answered with an error (HTTP {status}), so your message was not processed. Tap Retry to send it again.",
  refused_but_changed:
    "NemoVideo answered with an error (HTTP {status}), but it did act on your message. What changed:",
  backend_unreachable_queued:
    "NemoVideo is unreachable; your message is queued and will be sent when it is back.",
  backend_unreachable_gave_up:
    "NemoVideo has been unreachable for {minutes} min, so your message was not sent. Tap Retry to send it once NemoVideo is back.",

  // Sessions
  session_restarted: "Your previous project expired, so I started a new project for this thread.",
  new_session: "Started a fresh project for this thread.",

  // Credits and status
  credits: "Credits: {available} available, {frozen} reserved, {total} total",
  // Accounts and the credits guard (jobs/accounts/)
  credits_low: "⚠️ Credits are running low: {balance} left.",
  credits_guard_confirm:
    "💳 {balance} credits left. This will likely generate a clip, which costs about {cost} credits. Continue?",
  credits_guard_refused:
    "💳 Not enough credits: {balance} left, and this needs about {cost}. Get more credits on NemoVideo, then send it again.",
  credits_guard_refused_shared:
    "💳 The bot's credits have run out ({balance} left, about {cost} needed); ask an admin of this server/workspace.",
  credits_guard_dropped: "Cancelled: that message was not sent.",
  admin_bind_note:
    "Only you see this. The bot runs on a shared anonymous NemoVideo account; registering with this link makes that account (its credits and projects) a registered one. Do it yourself and don't share the link.",
  token_pasted:
    "⚠️ That looked like a NemoVideo API token, so I didn't send or keep it. Anyone who saw it can use it: revoke it now in the web app (Settings → API Tokens) and create a new one. To link your account privately, use {command}.",
  accounts_off:
    "Linking your own NemoVideo account is not enabled on this bot (its operator has not set SECRETS_KEY).",
  login_use_form: "Use {command}: it opens a private form for your API token. Never paste a token in a chat.",
  login_done:
    "✅ Your NemoVideo account {masked} is linked ({available} credits available). Threads you start from now on use it.",
  login_rejected:
    "NemoVideo did not accept that token. Check it in the web app (Settings → API Tokens) and try again.",
  logout_done:
    "Your NemoVideo account is unlinked. Threads you start now use the bot's account; threads that used yours stop until you log in again.",
  logout_none: "You have no linked NemoVideo account.",
  account_thread_none: "This conversation has no project yet.",
  account_thread_user: "This thread uses a member's own NemoVideo account ({masked}).",
  account_thread_bot: "This thread uses the bot's NemoVideo account.",
  account_yours: "Your linked account: {masked}.",
  account_yours_none: "You have no linked account ({command} links one).",
  status_header: "Current project:",
  status_no_project: "There's no project in this thread yet — describe a video to get started.",
  status_export_hint: "Tap Export when you're ready to download it.",

  // Export
  export_no_draft: "There's nothing to export yet — describe a video to generate first.",
  export_starting: "🎞️ Starting the export…",
  export_started: "🎞️ Exporting… {progress}%",
  export_progress: "🎞️ Exporting… {bar}",
  eta_seconds: "about {seconds} s left",
  eta_minutes: "about {minutes} min left",
  elapsed_seconds: "{seconds} s",
  elapsed_minutes: "{minutes} min {seconds} s",
  export_joined: "An export is already running for this thread — I'll post the link here.",
  export_done: "✅ Your video is ready: {url}",
  export_failed_retrying: "The export failed; trying once more…",
  export_failed: "The export failed again. Please try again in a few minutes.",
  export_timed_out:
    "The export is taking much longer than usual, so I stopped waiting. Tap Export to try again.",
  export_cancelled: "Export cancelled.",
  task_link_label: "Open in NemoVideo",
  history_empty: "You haven't exported any videos in the last 30 days.",
  history_header: "🗂️ Your last exports:",
  history_entry: "{date} · {title} · {duration} — {url}",
  history_reopen: "Reopen {title}",

  // Uploads
  upload_started: "📥 Uploading {name}…",
  upload_added: "Added {name} — {duration}, {width}×{height}",
  upload_added_no_size: "Added {name} — {duration}",
  upload_added_no_duration: "Added {name} — {width}×{height}",
  upload_added_plain: "Added {name}.",
  upload_needs_file: "Attach a video, image or audio file to your message and I'll add it to the project.",

  // Queue control, help and unknown input
  cancel_done: "Cancelled your queued message.",
  cancel_nothing: "There's no queued message to cancel.",
  cancel_running: "That message is already being worked on and can't be cancelled.",
  cancel_running_info:
    "NemoVideo can't stop a message it is already working on: this one has been running for {minutes} min, and its result will still arrive here.",
  cancel_done_many: "Cancelled {count} queued messages.",
  action_elsewhere: "That belongs to another thread, so it does nothing here.",
  thread_open_failed:
    "I couldn't start a thread in this channel: I may not be a member of it. Add me to the channel, or message me directly.",
  help: [
    "I make and edit videos with NemoVideo. In this thread you can:",
    "• Describe a video to create it, or tell me what to change (for example: add a title, make it shorter).",
    "• Attach a video, image or audio file to add it to the project.",
    '• Say "export" to get the finished video, "status" to see the timeline, "credits" for your balance.',
    '• Say "new project" to start over, or "cancel" to drop a message that is still waiting.',
  ].join("\n"),
  unknown_action: 'I don\'t know that action. Say "help" to see what I can do.',
  retry_used: "That message was already sent again.",
  // Thread ownership, quotas and usage
  owner_only: "Only the member who started this thread, or an admin, can do that.",
  retry_not_available:
    "That message can't be sent again: it was answered already, or it may have reached NemoVideo.",
  retry_pending: "That message is still waiting or being worked on; its answer will come here.",
  quota_reached: "⏳ Limit reached: {what} for {scope} (at most {max}). It resets in {reset}.",
  quota_what_turns: "messages per hour",
  quota_what_generations: "video generations per day",
  quota_what_exports: "exports per day",
  quota_scope_user: "you",
  quota_scope_channel: "this channel",
  quota_scope_workspace: "this server or workspace",
  quota_scope_global: "the whole bot",
  quota_queued:
    "⏳ Too many messages are waiting in this thread (at most {max}), so this one was not queued. Send it again once the thread has caught up.",
  quota_running:
    "⏳ You already have {max} messages running (the limit), so this one was not sent. Tap Retry once one of them is answered.",
  quota_reset_minutes: "{minutes} min",
  quota_reset_hours: "{hours} h {minutes} min",
  usage_mine:
    "Your use — last 24 h: {turns} messages, {generations} video generations, {exports} exports. Last 7 days: {turns7} messages, {generations7} video generations, {exports7} exports.",
  usage_limits:
    "Your limits now: {turns} messages this hour, {generations} video generations today, {exports} exports today.",
  usage_limit_value: "{used} of {max}",
  usage_unlimited: "no limit",
  usage_admin_exempt: "As an admin you are not limited by the quotas.",
  usage_place_header: "Use in this server or workspace:",
  usage_place_period:
    "{period}: {turns} messages, {generations} video generations, {exports} exports, ~{credits} credits (estimate).",
  usage_period_day: "Last 24 h",
  usage_period_week: "Last 7 days",
  usage_top: "Most active (7 days): {list}",
  usage_top_entry: "{user} ({turns} messages, {generations} generations)",
  usage_nobody: "No use yet.",

  // Buttons and links
  button_export: "Export",
  button_timeline: "Timeline",
  button_credits: "Credits",
  button_cancel: "Cancel",
  button_retry: "Retry",
  button_new: "New project",
  button_usage: "Usage",
  button_help: "Help",
  button_continue: "Continue",
  button_drop: "Cancel",
  button_login: "Log in",
  button_logout: "Log out",
  button_account: "Account",
  button_history: "History",
  link_register: "Register to keep your project and get more credits",
  link_billing: "Get credits on NemoVideo",

  // Replacements for the backend's web-editor directions (see gui-translation.ts)
  gui_export: "Tap Export below when you're ready.",
  gui_timeline: "Tap Timeline to see the tracks.",
  gui_credits: "Tap Credits to see your balance.",
  gui_drag: 'Tell me the change in words (e.g. "move the title to 5s").',
  gui_upload: "Attach the file to a message here and I'll add it.",
  gui_other: "Tell me what you'd like and I'll do it here.",

  // Errors (see error-replies.ts)
  error_auth_operator: "The bot's NemoVideo token was rejected; an operator needs to update it.",
  error_auth: "I couldn't sign in to NemoVideo just now. Please try again in a few minutes.",
  error_session_not_found:
    "NemoVideo no longer has this thread's project. Send your request again and I'll start a new project.",
  error_out_of_credits: "You're out of credits. Top up your credits on NemoVideo to continue.",
  error_out_of_credits_shared: "The bot's credits have run out; ask an admin of this server/workspace.",
  error_auth_user:
    "The NemoVideo account this thread uses was unlinked or its token revoked. Its owner can log in again, or start a new thread.",
  error_unsupported_file: "I can't use that type of file. Accepted types: {accepted}.",
  error_file_too_large: "That file is too large. Try trimming or compressing it, then send it again.",
  error_file_too_large_limit:
    "That file is too large (the limit is {maxMb} MB). Try trimming or compressing it, then send it again.",
  error_download_refused:
    "I can't fetch files from that address: only files attached here (or from hosts this bot's operator allowed) can be added. Attach the file itself to your message.",
  error_download_failed:
    "I couldn't download the attached file from where it is stored (it answered with an error or too slowly). Attach it again in a new message.",
  error_export_blocked:
    "Export isn't included in the free plan — this is not about credits. Registering or upgrading unlocks export.",
  error_rate_limited: "NemoVideo is busy right now. Please try again in a minute.",
  error_unavailable: "NemoVideo is temporarily unavailable. Please try again in a few minutes.",
  error_refused: "NemoVideo answered with an error (HTTP {status}), so your message was not processed.",
  error_stream_timeout:
    "NemoVideo took too long to answer, so I stopped waiting. Check the timeline before sending your message again.",
  error_stream_dropped:
    "The connection to NemoVideo dropped and I couldn't confirm what happened. Check the timeline before sending your message again.",
  error_bad_request: "NemoVideo couldn't process that request. Try rephrasing it.",
  error_request_failed: "NemoVideo reported an error. Please try again.",
  error_aborted: "The request was interrupted. Please send it again.",
  internal_error: "Something went wrong on my side and this message was not finished. Please send it again.",
  /** Any error text above plus its short code (failure-code.ts), which the log line and docs also carry. */
  error_with_code: "{message} (code {code})",
} as const;

/** The name of one user-facing text. */
export type TextKey = keyof typeof EN;

const ZH_CN: Record<TextKey, string> = {
  ack: "⏳ 正在处理…",
  queued_next: "⏳ 已排队 — 下一个就轮到你",
  queued_one: "⏳ 已排队 — 本话题中前面还有 1 条消息",
  queued_many: "⏳ 已排队 — 本话题中前面还有 {ahead} 条消息",
  connecting: "⏳ 正在连接 NemoVideo…",
  still_working: "⏳ 仍在处理中（{minutes} 分钟）",
  assistant_status: "正在处理你的视频…",
  raw_video_ready: "🎬 原始视频已生成 — 正在添加音乐和标题…",
  post_production_done: "✨ 音乐和标题已添加。",

  tool_generate_video: "🎬 正在生成视频 — 通常需要 2–5 分钟",
  tool_image: "🖼️ 正在生成图片…",
  tool_music: "🎵 正在添加音乐…",
  tool_voice: "🎙️ 正在添加配音…",
  tool_text: "🔤 正在添加文字…",
  tool_post_production: "✨ 正在添加音乐和标题…",
  tool_import: "📥 正在导入素材…",
  tool_render: "🎞️ 正在渲染…",
  tool_edit: "✂️ 正在编辑…",
  tool_default: "⚙️ 处理中…",

  silent_change_header: "完成。变更如下：",
  silent_no_change: "后端已完成，但没有回复，项目也没有任何变化。",
  retry_offer: "点击“重试”重新发送你的消息。",
  recovering: "连接中断了；正在检查后端完成了哪些操作…",
  recovered_changes: "连接中断了，但后端仍在继续处理。变更如下：",
  recovery_nothing: "连接中断后项目没有任何变化。点击“重试”重新发送你的消息。",
  recovery_unknown: "连接中断了，我无法确认后端完成了哪些操作。重新发送消息前请先查看时间线。",
  answer_cut_off: "⚠️ 回答在这里被截断了：在它完成之前，与 NemoVideo 的连接中断了。",
  answer_too_long: "✂️ 回答超过了 {max} 个字符，在这里被截断了。",

  refused_checking: "NemoVideo 返回了错误（HTTP {status}）；正在检查它是否做了任何操作…",
  refused_not_processed: "NemoVideo 返回了错误（HTTP {status}），你的消息没有被处理。点击“重试”重新发送。",
  refused_but_changed: "NemoVideo 返回了错误（HTTP {status}），但它确实处理了你的消息。变更如下：",
  backend_unreachable_queued: "目前无法连接 NemoVideo；你的消息已排队，等它恢复后会自动发送。",
  backend_unreachable_gave_up:
    "NemoVideo 已有 {minutes} 分钟无法连接，你的消息没有发送。等 NemoVideo 恢复后点击“重试”重新发送。",

  session_restarted: "你之前的项目已过期，我已为本话题新建了一个项目。",
  new_session: "已为本话题新建一个项目。",

  credits: "积分：可用 {available}，预留 {frozen}，共 {total}",
  credits_low: "⚠️ 积分不多了：还剩 {balance}。",
  credits_guard_confirm:
    "💳 还剩 {balance} 积分。这条消息很可能会生成一段视频，大约需要 {cost} 积分。要继续吗？",
  credits_guard_refused:
    "💳 积分不足：还剩 {balance}，这条消息大约需要 {cost}。请先在 NemoVideo 上获取更多积分，再重新发送。",
  credits_guard_refused_shared:
    "💳 机器人的积分已用完（还剩 {balance}，大约需要 {cost}）；请联系本服务器/工作区的管理员。",
  credits_guard_dropped: "已取消：这条消息没有发送。",
  admin_bind_note:
    "只有你能看到这条消息。机器人使用的是一个共享的匿名 NemoVideo 账户；用这个链接注册，会把该账户（及其积分和项目）变成注册账户。请亲自操作，不要分享此链接。",
  token_pasted:
    "⚠️ 这看起来是一个 NemoVideo API 令牌，所以我没有发送也没有保存它。看到它的人都可以使用它：请立即在网页版（设置 → API 令牌）中撤销它并新建一个。要私密地关联你的账户，请使用 {command}。",
  accounts_off: "本机器人未启用关联个人 NemoVideo 账户的功能（运营者没有设置 SECRETS_KEY）。",
  login_use_form: "请使用 {command}：它会打开一个私密表单来填写你的 API 令牌。切勿在聊天中粘贴令牌。",
  login_done:
    "✅ 你的 NemoVideo 账户 {masked} 已关联（可用积分 {available}）。从现在起你发起的话题都会使用它。",
  login_rejected: "NemoVideo 不接受这个令牌。请在网页版（设置 → API 令牌）中检查后重试。",
  logout_done:
    "你的 NemoVideo 账户已取消关联。你现在发起的话题会使用机器人的账户；使用你账户的话题在你重新登录前会暂停。",
  logout_none: "你没有关联的 NemoVideo 账户。",
  account_thread_none: "这个对话还没有项目。",
  account_thread_user: "本话题使用的是一位成员自己的 NemoVideo 账户（{masked}）。",
  account_thread_bot: "本话题使用的是机器人的 NemoVideo 账户。",
  account_yours: "你关联的账户：{masked}。",
  account_yours_none: "你没有关联的账户（使用 {command} 关联）。",
  status_header: "当前项目：",
  status_no_project: "本话题还没有项目 — 描述一个视频即可开始。",
  status_export_hint: "准备好下载时，点击“导出”。",

  export_no_draft: "还没有可以导出的内容 — 请先描述一个视频来生成。",
  export_starting: "🎞️ 正在开始导出…",
  export_started: "🎞️ 正在导出… {progress}%",
  export_progress: "🎞️ 正在导出… {bar}",
  eta_seconds: "约剩 {seconds} 秒",
  eta_minutes: "约剩 {minutes} 分钟",
  elapsed_seconds: "{seconds} 秒",
  elapsed_minutes: "{minutes} 分 {seconds} 秒",
  export_joined: "本话题已有一个导出正在进行 — 完成后我会把链接发在这里。",
  export_done: "✅ 你的视频已就绪：{url}",
  export_failed_retrying: "导出失败；正在重试一次…",
  export_failed: "导出再次失败。请过几分钟再试。",
  export_timed_out: "导出耗时远超平常，我已停止等待。点击“导出”重试。",
  export_cancelled: "导出已取消。",
  task_link_label: "在 NemoVideo 中打开",
  history_empty: "最近 30 天内你没有导出过视频。",
  history_header: "🗂️ 你最近导出的视频：",
  history_entry: "{date} · {title} · 时长 {duration} — {url}",
  history_reopen: "重新打开 {title}",

  upload_started: "📥 正在上传 {name}…",
  upload_added: "已添加 {name} — {duration}，{width}×{height}",
  upload_added_no_size: "已添加 {name} — {duration}",
  upload_added_no_duration: "已添加 {name} — {width}×{height}",
  upload_added_plain: "已添加 {name}。",
  upload_needs_file: "请在消息中附上视频、图片或音频文件，我会把它添加到项目中。",

  cancel_done: "已取消你排队中的消息。",
  cancel_nothing: "没有可以取消的排队消息。",
  cancel_running: "这条消息已经在处理中，无法取消。",
  cancel_running_info: "NemoVideo 无法停止正在处理的消息：这条消息已运行 {minutes} 分钟，结果仍会发到这里。",
  cancel_done_many: "已取消 {count} 条排队中的消息。",
  action_elsewhere: "这属于另一个对话串，在这里不起作用。",
  thread_open_failed: "我无法在这个频道创建对话串：我可能不是频道成员。请把我加入频道，或直接私信我。",
  help: [
    "我可以用 NemoVideo 制作和编辑视频。在本话题中你可以：",
    "• 描述一个视频来生成它，或告诉我要修改什么（例如：加个标题、剪短一点）。",
    "• 附上视频、图片或音频文件，把它添加到项目中。",
    "• 说“导出”获取成片，说“状态”查看时间线，说“积分”查看余额。",
    "• 说“新项目”重新开始，或说“取消”撤回仍在排队的消息。",
  ].join("\n"),
  unknown_action: "我不认识这个操作。说“帮助”看看我能做什么。",
  retry_used: "这条消息已经重新发送过了。",
  owner_only: "只有发起本话题的成员或管理员可以这样做。",
  retry_not_available: "这条消息不能再次发送：它已经得到回复，或可能已经到达 NemoVideo。",
  retry_pending: "这条消息仍在排队或处理中，回复会发到这里。",
  quota_reached: "⏳ 已达上限：{scope}的{what}（最多 {max}）。将在 {reset} 后重置。",
  quota_what_turns: "每小时消息数",
  quota_what_generations: "每天视频生成次数",
  quota_what_exports: "每天导出次数",
  quota_scope_user: "你",
  quota_scope_channel: "本频道",
  quota_scope_workspace: "本服务器或工作区",
  quota_scope_global: "整个机器人",
  quota_queued:
    "⏳ 本话题中排队的消息太多（最多 {max} 条），这条消息没有加入队列。等话题处理完后再发送一次。",
  quota_running: "⏳ 你已有 {max} 条消息正在处理（上限），这条消息没有发送。等其中一条得到回复后点“重试”。",
  quota_reset_minutes: "{minutes} 分钟",
  quota_reset_hours: "{hours} 小时 {minutes} 分钟",
  usage_mine:
    "你的用量 — 最近 24 小时：{turns} 条消息，{generations} 次视频生成，{exports} 次导出。最近 7 天：{turns7} 条消息，{generations7} 次视频生成，{exports7} 次导出。",
  usage_limits: "你当前的限额：本小时消息 {turns}，今天视频生成 {generations}，今天导出 {exports}。",
  usage_limit_value: "已用 {used}，共 {max}",
  usage_unlimited: "不限",
  usage_admin_exempt: "你是管理员，不受限额限制。",
  usage_place_header: "本服务器或工作区的用量：",
  usage_place_period:
    "{period}：{turns} 条消息，{generations} 次视频生成，{exports} 次导出，约 {credits} 积分（估算）。",
  usage_period_day: "最近 24 小时",
  usage_period_week: "最近 7 天",
  usage_top: "最活跃（7 天）：{list}",
  usage_top_entry: "{user}（{turns} 条消息，{generations} 次生成）",
  usage_nobody: "还没有用量。",

  button_export: "导出",
  button_timeline: "时间线",
  button_credits: "积分",
  button_cancel: "取消",
  button_retry: "重试",
  button_new: "新项目",
  button_usage: "用量",
  button_help: "帮助",
  button_continue: "继续",
  button_drop: "取消",
  button_login: "登录",
  button_logout: "退出登录",
  button_account: "账户",
  button_history: "历史",
  link_register: "注册以保留你的项目并获取更多积分",
  link_billing: "在 NemoVideo 上获取积分",

  gui_export: "准备好后，点击下方的“导出”。",
  gui_timeline: "点击“时间线”查看各条轨道。",
  gui_credits: "点击“积分”查看余额。",
  gui_drag: "请直接用文字告诉我要怎么改（例如“把标题移到第 5 秒”）。",
  gui_upload: "在这里的消息中附上文件，我会把它添加进来。",
  gui_other: "告诉我你想做什么，我会在这里帮你完成。",

  error_auth_operator: "机器人的 NemoVideo 令牌被拒绝了；需要管理员更新它。",
  error_auth: "我暂时无法登录 NemoVideo。请过几分钟再试。",
  error_session_not_found: "NemoVideo 上已找不到本话题的项目。请重新发送你的请求，我会新建一个项目。",
  error_out_of_credits: "你的积分已用完。请在 NemoVideo 上充值积分后继续。",
  error_out_of_credits_shared: "机器人的积分已用完；请联系本服务器/工作区的管理员。",
  error_auth_user:
    "本话题使用的 NemoVideo 账户已取消关联或其令牌已被撤销。账户所有者可以重新登录，或新开一个话题。",
  error_unsupported_file: "我无法使用这种类型的文件。支持的类型：{accepted}。",
  error_file_too_large: "文件太大了。请先剪短或压缩后再发送。",
  error_file_too_large_limit: "文件太大了（上限为 {maxMb} MB）。请先剪短或压缩后再发送。",
  error_download_refused:
    "我无法从该地址获取文件：只能添加直接附在这里的文件（或来自本机器人管理员允许的网站的文件）。请把文件本身附在消息中。",
  error_download_failed:
    "我无法从文件的存放位置下载附件（对方返回了错误或响应太慢）。请在新消息中重新附上该文件。",
  error_export_blocked: "免费套餐不包含导出功能 — 这与积分无关。注册或升级即可解锁导出。",
  error_rate_limited: "NemoVideo 现在有点忙。请过一分钟再试。",
  error_unavailable: "NemoVideo 暂时不可用。请过几分钟再试。",
  error_refused: "NemoVideo 返回了错误（HTTP {status}），你的消息没有被处理。",
  error_stream_timeout: "NemoVideo 响应时间过长，我已停止等待。重新发送消息前请先查看时间线。",
  error_stream_dropped: "与 NemoVideo 的连接中断了，我无法确认发生了什么。重新发送消息前请先查看时间线。",
  error_bad_request: "NemoVideo 无法处理这个请求。请换个说法试试。",
  error_request_failed: "NemoVideo 返回了一个错误。请再试一次。",
  error_aborted: "请求被中断了。请重新发送。",
  internal_error: "我这边出了点问题，这条消息没有处理完。请重新发送。",
  error_with_code: "{message}（错误代码 {code}）",
};

/** Every text in every language; for tests and for adapters that need a whole table. */
export const TEXTS: Readonly<Record<Lang, Readonly<Record<TextKey, string>>>> = { en: EN, "zh-CN": ZH_CN };

/** All text keys, in declaration order. */
export const TEXT_KEYS = Object.keys(EN) as TextKey[];

/**
 * The text `key` in `lang`, with every `{name}` replaced by `params[name]`. A placeholder without a
 * matching parameter is left as it is, so a missing parameter is visible (and caught by tests).
 */
export function text(lang: Lang, key: TextKey, params?: Record<string, string | number>): string {
  const template = TEXTS[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

/** The queue line for a message with `ahead` messages before it in its thread (singular/plural handled). */
export function queuedText(lang: Lang, ahead: number): string {
  if (ahead <= 0) return text(lang, "queued_next");
  if (ahead === 1) return text(lang, "queued_one");
  return text(lang, "queued_many", { ahead });
}
