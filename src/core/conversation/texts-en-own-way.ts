/**
 * The English texts of the features that make the bot one's own: settings, private mode, quick replies,
 * variations and continuing a project elsewhere (spread into `EN`, texts-en.ts).
 */
export const EN_OWN_WAY = {
  // Settings (issue 21): `/settings`, its menus and form, the generation progress tag
  button_settings: "⚙️ Settings",
  tool_generate_video_tagged: "🎬 Generating video{tag} — usually 2–5 min",
  settings_header: "⚙️ Your settings here:",
  settings_line_ratio: "• Aspect ratio: {value}",
  settings_line_length: "• Target length: {value}",
  settings_line_language: "• Language: {value}",
  settings_line_private: "• Private results: {value}",
  settings_place_header: "🏠 This place's defaults and limits:",
  settings_line_max_length: "• Longest length members may pick: {value}",
  settings_line_variations: "• Variations per click: {value}",
  settings_line_private_allowed: "• Private results: {value}",
  settings_not_set: "not set",
  settings_seconds: "~{n} s",
  settings_on: "on",
  settings_off: "off",
  settings_allowed: "allowed",
  settings_forbidden: "not allowed",
  settings_lang_en: "English",
  settings_lang_zh: "简体中文 (Simplified Chinese)",
  settings_saved: "✅ Saved.",
  settings_reset_done: "✅ Your settings are back to this place's defaults.",
  settings_clamped: "Your length ({wanted} s) is above this place's maximum: {max} s applies here.",
  settings_private_forbidden_note:
    "Private results are turned off in this place: results stay in the thread.",
  settings_hint:
    "Change: /settings ratio 16:9|9:16|1:1 · length 15 · language en|zh-CN · private on|off · reset (Slack: /nemo settings …).",
  settings_hint_place:
    "Admins: /settings place ratio 16:9 · place length 15 · place max-length 30 · place variations 3 · place private on|off.",
  settings_invalid:
    "I didn't understand that setting, so nothing changed. Try /settings ratio 9:16, /settings length 15, /settings language zh-CN, /settings private on, or /settings reset.",
  settings_place_refused: "Only this place's admins can change its defaults and limits.",
  settings_own_refused: "You can't change your settings here.",
  settings_private_failed:
    "I couldn't answer you privately. Use /settings (Slack: `/nemo settings`), which only you can see.",
  settings_menu_ratio: "Aspect ratio…",
  settings_menu_length: "Target length…",
  settings_menu_language: "Language…",
  settings_menu_private: "Private results…",
  settings_menu_place: "This place's defaults and limits (admins)…",
  settings_option_none: "No preference",
  settings_option_place_ratio: "Place ratio: {value}",
  settings_option_place_max: "Longest length: {value}",
  settings_option_place_variations: "Variations per click: {value}",
  settings_option_place_private: "Private results: {value}",
  discord_settings_not_yours: "This menu belongs to someone else: use /settings to open your own.",
  slack_settings_title: "Your settings",
  slack_settings_submit: "Save",
  slack_settings_intro: "Choose what to change; what you leave empty stays as it is.",
  slack_settings_not_saved: "Not saved: please try again in a moment.",

  // Quick replies (the choices an answer ends with, as buttons)
  quick_reply_chosen: "➡️ Answered: {choice}",
  quick_reply_chosen_by: "➡️ {name} answered: {choice}",
  quick_reply_taken: "This question was already answered.",
  quick_reply_expired: "That choice isn't available any more. Type your answer in the thread instead.",
  quick_reply_not_allowed: "You can't answer this question here.",
  quick_reply_stale:
    "The conversation has moved on since that question. Type your answer in the thread instead.",
  button_quick_reply: "Answer",
  // Variations (🎲 on a generated result: several takes of the same prompt, one confirmation)
  button_variations: "🎲 Variations",
  button_variations_confirm: "✅ Start variations",
  button_variations_cancel: "Cancel",
  button_choose_variation: "Continue with #{n}",
  variations_confirm:
    "🎲 Make {count} variations of this video from the same prompt, each in a new project? Estimated cost: about {estimate} credits ({count} × ~{cost}; an estimate, the backend charges what it uses).",
  variations_settings: "Same settings: {settings}.",
  variations_balance: "Balance: {balance} credits.",
  variations_confirm_by: "Only {name} can start them.",
  variations_short_credits:
    "🎲 Not enough credits for {count} variations: about {estimate} are needed, {balance} are left.",
  variations_unavailable: "Those variations are no longer available. Generate again to get new ones.",
  variations_not_yours: "Only the member who asked for these variations can answer that.",
  variations_already: "These variations were already started or cancelled.",
  variations_cancelled: "🎲 Variations cancelled: nothing was started.",
  variations_refused: "🎲 Variations not started: {reason}",
  variations_progress: "🎲 Variations {done}/{count} ready…",
  variations_progress_done: "🎲 Variations: {ok} of {count} ready.",
  variations_gallery: '🎲 {ok} variations of "{prompt}". Pick one to continue with it in this thread.',
  variations_failed: "Not made: variation {list}.",
  variations_none: "🎲 None of the variations could be made. This thread's project is unchanged.",
  variation_not_ready: "That variation wasn't made, so it can't be continued.",
  variation_chosen: "Continuing with variation {n}: your next message edits it.",
  // Private mode (issue 21): what the public thread and the member's DM show
  private_note: "🔒 Working on it privately — results go to your DMs.",
  private_dm_opener: "🔒 Private mode: the progress and results of your request in the channel come here.",
  private_dm_opener_prompt:
    "🔒 Private mode — your message in the channel: “{prompt}”. Its progress and results come here.",
  private_dm_unreachable:
    "🔒 Private mode is on, but I can't send you direct messages, so I didn't start this. Open your DMs with me (or turn private mode off in /settings) and ask again.",
  private_console: "🔒 Private mode has no effect in the console: everything shows here.",
  private_opener: "🔒 (a private request)",
  private_export_joined:
    "An export of this thread is already running for a member in private mode: its video goes to them only. Ask again once it is done.",
  // Continue anywhere: move a project to another thread (project-move.ts)
  button_move_thread: "➡️ Continue in a new thread",
  button_move_code: "🔑 Get a continue code",
  button_move_here: "Continue here",
  move_code_issued:
    "🔑 Your continue code: {code}\nIt works once, for 15 minutes. Where you want to keep editing this project, type `/continue {code}` (Discord, console) or `/nemo continue {code}` (Slack). Whoever has the code can edit the project on its account, so keep it to yourself.",
  move_code_private_failed:
    "I couldn't send you a continue code privately, so I issued none. Open a direct message with me and try again.",
  move_nothing: "There's no project in this thread to continue elsewhere yet.",
  move_not_yours: "Only the member who owns this project, or an operator, can continue it elsewhere.",
  move_code_wrong:
    "That continue code is wrong, expired or already used. Get a new one in the project's thread with `/continue`.",
  move_code_throttled: "Too many wrong continue codes. Wait 15 minutes, then try again.",
  move_stale: "That project isn't in its thread any more (it was continued elsewhere or replaced).",
  move_busy: "That project is still working on a message. Try again once it's answered.",
  move_same: "This project is already in this thread.",
  move_no_thread:
    "I can't open a new thread here. Use `/continue` for a code, and type it where you want to keep editing.",
  moved_here: "➡️ Continued here from {from}. It's the same project: keep editing it in this thread.",
  moved_away: "➡️ This project continued in {to}. A new message here starts a new project.",
  move_opener: "➡️ continues a project",
  move_link: "Open the thread",
  history_move: "➡️ Continue “{title}” in a new thread",
  move_code_where:
    "Get a continue code in the project's thread: tap 🔑 under a result there (or type `/continue` there on Discord and the console).",
  move_place_discord: "a Discord thread",
  move_place_discord_dm: "a Discord direct message",
  move_place_slack: "a Slack thread",
  move_place_console: "the console thread “{thread}”",
} as const;
