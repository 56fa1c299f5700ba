import ArgumentParser

/// The `emergent` command line.
@main
struct Emergent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergent",
        abstract: "Build, serve and measure tool-using LLM agents on llama.cpp.",
        discussion: """
            Models run in-process through llama.cpp. Without --model, commands use the default model that \
            `make setup` installs into $EMERGENT_HOME/models (default ~/.emergent/models).
            """,
        subcommands: [
            ServeCommand.self, AskCommand.self, GenerateCommand.self, ChatCommand.self, TemplateCommand.self, ModelCommand.self,
            BenchCommand.self, AgentsCommand.self, EmergenceCommand.self, PackCommand.self, EvalCommand.self,
            DataCommand.self,
        ]
    )
}
