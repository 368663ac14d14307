//! Chat with an assistant from the terminal.
//!
//! ```text
//! cargo run --example chat
//! ```
//!
//! With `ASSISTANT_APIKEY` (or `ASSISTANT_BEARER_TOKEN`, or `ASSISTANT_URL`) and
//! `ASSISTANT_ID` and `ASSISTANT_ENVIRONMENT_ID` in the environment, it talks to that
//! assistant; the client reads its configuration the way IBM's SDKs do ([`Client::from_env`]).
//! Without them it starts the local stand-in assistant (`wa_client::mock`) and talks to that.
//!
//! On a terminal it reads what you type (a number picks an option of the last menu; an empty
//! line, `quit` or end of input stops). Otherwise it plays a short script, and prints the same
//! transcript every time.

use std::error::Error;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use wa_client::mock::MockAssistant;
use wa_client::models::{MessageInput, RuntimeResponseGeneric, StatefulMessageResponse};
use wa_client::{BearerToken, Client, Config, Conversation};

/// What the scripted conversation says; `1` picks the first option of the menu before it.
pub const SCRIPT: [&str; 6] = [
    "hello",
    "my name is Ada",
    "help",
    "1",
    "how many turns have we had?",
    "bye",
];

/// The variables that mean "talk to the real service".
const CREDENTIALS: [&str; 3] = [
    "ASSISTANT_APIKEY",
    "ASSISTANT_BEARER_TOKEN",
    "ASSISTANT_URL",
];

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let has_credentials = CREDENTIALS.iter().any(|k| std::env::var_os(k).is_some());
    // Kept alive until the end: the stand-in stops when dropped.
    let mut server = None;
    let mut conversation = if has_credentials {
        let (Ok(assistant_id), Ok(environment_id)) = (
            std::env::var("ASSISTANT_ID"),
            std::env::var("ASSISTANT_ENVIRONMENT_ID"),
        ) else {
            return Err("found ASSISTANT_* credentials: set ASSISTANT_ID and \
                        ASSISTANT_ENVIRONMENT_ID too, or unset them all to use the stand-in"
                .into());
        };
        let client = Client::from_env()?;
        eprintln!(
            "Talking to assistant {assistant_id} at {}.",
            client.runtime().service_url()
        );
        Conversation::new(&client, assistant_id, environment_id)
    } else {
        let stand_in = MockAssistant::builder()
            .bearer_token("local-token")
            .start()
            .await?;
        let client = Client::new(
            Config::builder()
                .service_url(stand_in.url())
                .authenticator(BearerToken::new("local-token"))
                .build()?,
        )?;
        eprintln!(
            "No ASSISTANT_* credentials found: talking to the local stand-in assistant at {}.",
            stand_in.url()
        );
        let conversation =
            Conversation::new(&client, stand_in.assistant_id(), stand_in.environment_id());
        server = Some(stand_in);
        conversation
    };

    let outcome = if io::stdin().is_terminal() {
        interactive(&mut conversation).await
    } else {
        scripted(&mut conversation, &mut io::stdout().lock()).await
    };
    // End the session whatever happened; the first error is the one to report.
    let ended = conversation.end().await;
    drop(server);
    outcome?;
    ended?;
    Ok(())
}

/// Plays [`SCRIPT`], writing the transcript to `out`.
pub async fn scripted(
    conversation: &mut Conversation,
    out: &mut impl Write,
) -> Result<(), Box<dyn Error>> {
    let mut chat = Chat::new(conversation, false);
    for line in SCRIPT {
        writeln!(out, "you> {line}")?;
        chat.say(line, out).await?;
    }
    Ok(())
}

/// Reads lines from the terminal until an empty line, `quit` or end of input.
async fn interactive(conversation: &mut Conversation) -> Result<(), Box<dyn Error>> {
    println!("Say something (a number picks an option; an empty line or `quit` ends).");
    let mut chat = Chat::new(conversation, true);
    // The welcome message, as a chat window shows before the user types.
    chat.say("", &mut io::stdout()).await?;
    loop {
        print!("you> ");
        io::stdout().flush()?;
        // Reading the terminal blocks; keep it off the runtime's threads.
        let line = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            io::stdin().lock().read_line(&mut line).map(|n| (n, line))
        })
        .await??;
        let text = line.1.trim();
        if line.0 == 0 || text.is_empty() || text == "quit" || text == "exit" {
            return Ok(());
        }
        chat.say(text, &mut io::stdout()).await?;
    }
}

/// One side of the chat: sends what the user says and prints what the assistant answers.
struct Chat<'a> {
    conversation: &'a mut Conversation,
    /// The inputs behind the options of the last menu, in order.
    menu: Vec<(String, MessageInput)>,
    /// Wait out `pause` responses, as a chat window would; the script does not.
    real_pauses: bool,
}

impl<'a> Chat<'a> {
    fn new(conversation: &'a mut Conversation, real_pauses: bool) -> Self {
        Chat {
            conversation,
            menu: Vec::new(),
            real_pauses,
        }
    }

    async fn say(&mut self, line: &str, out: &mut impl Write) -> Result<(), Box<dyn Error>> {
        let picked = line
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.menu.get(i).cloned());
        let answer = match picked {
            Some((label, input)) => {
                writeln!(out, "     (picked \"{label}\")")?;
                self.conversation.send_input(input).await?
            }
            None if line.is_empty() => {
                self.conversation
                    .send_input(MessageInput::default())
                    .await?
            }
            None => self.conversation.send(line).await?,
        };
        self.show(&answer, out).await
    }

    async fn show(
        &mut self,
        answer: &StatefulMessageResponse,
        out: &mut impl Write,
    ) -> Result<(), Box<dyn Error>> {
        for item in answer.output.generic.iter().flatten() {
            match item {
                RuntimeResponseGeneric::Text(text) => writeln!(out, "assistant> {}", text.text)?,
                RuntimeResponseGeneric::Option(menu) => {
                    writeln!(out, "assistant> {}", menu.title)?;
                    if let Some(description) = &menu.description {
                        writeln!(out, "           {description}")?;
                    }
                    self.menu.clear();
                    for (i, option) in menu.options.iter().enumerate() {
                        writeln!(out, "  {}. {}", i + 1, option.label)?;
                        let input = option.value.input.clone().unwrap_or_else(|| MessageInput {
                            text: Some(option.label.clone()),
                            ..MessageInput::default()
                        });
                        self.menu.push((option.label.clone(), input));
                    }
                }
                RuntimeResponseGeneric::Pause(pause) => {
                    let typing = if pause.typing == Some(true) {
                        ", typing"
                    } else {
                        ""
                    };
                    writeln!(out, "assistant> (pause {} ms{typing})", pause.time)?;
                    out.flush()?;
                    if self.real_pauses {
                        let ms = u64::try_from(pause.time).unwrap_or(0).min(10_000);
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                    }
                }
                RuntimeResponseGeneric::Image(image) => writeln!(
                    out,
                    "assistant> [image{}] {}",
                    image
                        .title
                        .as_deref()
                        .map(|t| format!(": {t}"))
                        .unwrap_or_default(),
                    image.source
                )?,
                RuntimeResponseGeneric::Dtmf(dtmf) => {
                    let command = dtmf.command_info.as_ref().map(|c| c.r#type.as_str());
                    writeln!(
                        out,
                        "assistant> (keypad: {}; a phone integration would act on it)",
                        command.unwrap_or("no command")
                    )?;
                }
                RuntimeResponseGeneric::EndSession(_) => {
                    writeln!(out, "assistant> (the assistant ended the conversation)")?;
                }
                // Kept whole, with why no variant took it (a newer kind, or one that does not
                // fit the spec).
                RuntimeResponseGeneric::Unknown(kept) => {
                    writeln!(
                        out,
                        "assistant> [a response this client cannot read: {}]",
                        kept.reason
                    )?;
                }
                other => {
                    let kind = serde_json::to_value(other)
                        .ok()
                        .and_then(|v| v["response_type"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| "unknown".to_owned());
                    writeln!(
                        out,
                        "assistant> [a `{kind}` response this example does not show]"
                    )?;
                }
            }
        }
        Ok(())
    }
}
