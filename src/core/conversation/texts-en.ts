import { EN_OWN_WAY } from "./texts-en-own-way.js";

/**
 * Every user-facing text of the bot, in English. `{name}` marks a parameter filled in by {@link text}.
 * Keys are grouped by the flow that uses them.
 */
export const EN = {
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
    "💳 The bot's credits have run out ({balance} left, about {cost} needed); ask the bot's operator to top it up.",
  credits_guard_dropped: "Cancelled: that message was not sent.",
  credits_guard_confirm_own:
    "💳 The account of this thread is running low on credits. This will likely generate a clip, which costs about {cost} credits. Continue?",
  credits_guard_refused_own:
    "💳 Not enough credits on this thread's account for this (about {cost} needed). Get more credits on NemoVideo, then send it again.",
  credits_low_own: "⚠️ Credits of this thread's account are running low.",
  credits_own_private:
    "This thread uses a member's own NemoVideo account: only they can see its balance (with /credits).",
  guard_not_yours:
    "Only the member who sent that message, the thread's owner or an admin of this place can answer it.",
  admin_bind_note:
    "Only you see this. The bot runs on a shared anonymous NemoVideo account; registering with this link makes that account (its credits and projects) a registered one. Do it yourself and don't share the link.",
  token_pasted:
    "⚠️ That looked like a NemoVideo API token, so I didn't send or keep it. Anyone who saw it can use it: revoke it now in the web app (Settings → API Tokens) and create a new one. To link your account privately, use {command}.",
  token_pasted_deleted: "I deleted your message so that no one else sees it.",
  token_pasted_not_deleted:
    "I could not delete your message (a DM, or no Manage Messages permission here): delete it yourself now.",
  token_pasted_slack:
    "Slack does not let a bot delete members' messages: delete your message yourself now (⋯ → Delete message).",
  accounts_off:
    "Linking your own NemoVideo account is not enabled on this bot (its operator has not set SECRETS_KEY).",
  login_use_form: "Use {command}: it opens a private form for your API token. Never paste a token in a chat.",
  login_console:
    "Type /login followed by your NemoVideo API token (web app: Settings → API Tokens). In this terminal only you see it.",
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
  account_yours_unreadable:
    "Your linked account ({masked}) can no longer be read by the bot (its encryption key changed). Use {command} to link it again, or /logout to use the bot's account.",
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
  export_video_url_refused:
    "⚠️ NemoVideo gave an address for this video outside its own sites, so I did not fetch it; the link above is its download link instead.",
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
  history_private_failed:
    "I couldn't send you your history privately (are your direct messages open?). The /history command (Slack: `/nemo history`) shows it to you only.",
  project_link_note:
    "🔗 Your NemoVideo project link — only you can see it. Whoever opens it can take the project: don't share it.",
  project_link_not_yours: "Only the member who started this thread can get its NemoVideo link.",
  project_link_gone: "This project's link can't be issued any more (the export is older than 30 days).",

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
    '• Say "settings" to pick your aspect ratio, length, language and private results.',
    "• Every answer offers ➡️ Continue in a new thread and 🔑 a continue code, to keep editing the project in another thread or app.",
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
    "Your use here — last 24 h: {turns}, {generations}, {exports}. Last 7 days: {turns7}, {generations7}, {exports7}.",
  count_turns_one: "1 message",
  count_turns_many: "{n} messages",
  count_generations_one: "1 video generation",
  count_generations_many: "{n} video generations",
  count_exports_one: "1 export",
  count_exports_many: "{n} exports",
  usage_limits:
    "Your limits now: {turns} messages this hour, {generations} video generations today, {exports} exports today.",
  usage_limit_value: "{used} of {max}",
  usage_unlimited: "no limit",
  usage_admin_exempt: "As an admin you are not limited by this place's own quotas.",
  usage_operator_exempt: "As an operator you are not limited by the quotas.",
  usage_all_header: "Use across all places:",
  usage_place_header: "Use in this server or workspace:",
  account_private_failed:
    "I couldn't send your account details privately. Use /whoami (Slack: `/nemo account`), which only you can see.",
  usage_private_failed:
    "I couldn't send you your usage privately (are your direct messages open?). The /usage command (Slack: `/nemo usage`) shows it to you only.",
  usage_place_period: "{period}: {turns}, {generations}, {exports}, ~{credits} credits (estimate).",
  usage_period_day: "Last 24 h",
  usage_period_week: "Last 7 days",
  usage_top: "Most active (7 days): {list}",
  usage_top_entry: "{user} ({turns}, {generations})",
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
  button_project_link: "🔗 Get my NemoVideo link",
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
  error_out_of_credits_shared: "The bot's credits have run out; ask the bot's operator to top it up.",
  error_auth_user:
    "The NemoVideo account this thread uses was unlinked or its token revoked. Its owner can log in again, or start a new thread.",
  error_account_unreadable:
    "The linked NemoVideo account this thread uses can no longer be read by the bot (its encryption key changed). Its owner can log in again, or log out to use the bot's account.",
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

  // The Discord adapter (refusals, pointers, modals)
  discord_place_refused: "I'm not enabled here. Ask a server admin which channels I work in.",
  discord_thread_failed:
    "I couldn't start a thread here. Check that I may create public threads and send messages in threads in this channel.",
  discord_continuing_in: "→ continuing in <#{thread}>",
  discord_use_in_thread: "Use `/video` to start a video thread, then use `/{command}` in it.",
  discord_start_hint: "Start a video thread with `/video`, or mention me in a channel.",
  discord_channel_unsupported:
    "I can't work in this kind of channel. Use a text channel or a direct message.",
  discord_button_invalid: "That button isn't valid (any more). Say what you'd like in the thread instead.",
  discord_button_outside_thread: "This button only works in a video thread.",
  discord_unknown_command: "I don't know that command. Try `/help`.",
  discord_failed: "Something went wrong on my side. Please try again.",
  discord_not_taken:
    "I couldn't take this message in (my queue is unreachable). Please send it again in a minute.",
  discord_edit_title: "Edit the video",
  discord_edit_label: "What should change?",
  discord_edit_placeholder: "e.g. make the title bigger and add calm music",
  discord_media_title: "Add media from a URL",
  discord_media_label: "Link to a video, image or audio file",
  discord_media_placeholder: "https://…",
  discord_media_invalid: "That isn't a link I can use: it must start with https:// (or http://).",
  discord_continuing_in_dm: "I can't post in this conversation, so I'll continue in our direct messages.",

  // The Slack adapter (usage, refusals, suggested prompts)
  slack_usage:
    "Start a conversation with `/nemo <describe your video>` or by mentioning me in a channel, then keep talking in its thread.",
  slack_thread_only:
    '`/nemo {command}` works inside a conversation thread: reply "{command}" in the thread of your video, or tap its buttons. Start one with `/nemo <describe your video>`.',
  slack_not_allowed: "I'm not enabled in this channel. Ask an admin which channels I work in.",
  slack_cannot_post:
    "I can't post in this channel. Invite me to it (`/invite` and my name), or talk to me in a direct message.",
  slack_bad_button: 'That button doesn\'t work (any more). Reply in the thread instead, or say "help".',
  slack_prompts_title: "Try one of these:",
  slack_prompt_product_title: "A product video",
  slack_prompt_product: "Make a 15-second product video for a new coffee mug, upbeat music",
  slack_prompt_travel_title: "A travel montage",
  slack_prompt_travel: "Create a 30-second travel montage of Tokyo at night with a title",
  slack_prompt_explainer_title: "An explainer",
  slack_prompt_explainer: "Make a short explainer video about how solar panels work, with a voice-over",
  discord_login_title: "Link your NemoVideo account",
  discord_login_label: "NemoVideo API token (Settings → API Tokens)",
  slack_login_title: "Link NemoVideo",
  slack_login_submit: "Link",
  slack_login_label: "Your NemoVideo API token",
  slack_login_hint:
    "Create one in the NemoVideo web app under Settings → API Tokens. It is checked, then stored encrypted; only you can unlink it (/nemo logout).",
  ...EN_OWN_WAY,
} as const;

/** A key of the bot's texts (the same in every language). */
export type TextKey = keyof typeof EN;
