import ArgumentParser

extension Dfutui {
  /// ArgumentParser's `help` answers an unknown topic with the root help and exit 0;
  /// `dfutui help nosuchcommand` is a usage error (exit 64) that names the commands.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let problem = HelpTopic.problem(arguments, root: Dfutui.self) {
      Console.error("error: " + problem)
      exit(withError: ExitCode(Exit.usage))
    }
    main(nil)
  }
}

/// The subcommand path `dfutui help A B…` asks about.
enum HelpTopic {
  /// Why `arguments` (a `help …` invocation) names no command, or nil when fine or not `help`.
  static func problem(_ arguments: [String], root: any ParsableCommand.Type) -> String? {
    guard arguments.first == "help" else { return nil }
    var current = configuration(of: root)
    var path = [current.commandName ?? "dfutui"]
    for word in arguments.dropFirst() where !word.hasPrefix("-") {
      let children = current.subcommands.map { configuration(of: $0) }
      guard let next = children.first(where: { $0.commandName == word || $0.aliases.contains(word) }) else {
        let names = children.compactMap(\.commandName).joined(separator: ", ")
        let what = names.isEmpty ? "`\(path.joined(separator: " "))` has no subcommands"
          : "`\(path.joined(separator: " "))` has: \(names)"
        return "no such command '\(word)'; \(what)"
      }
      current = next
      path.append(word)
    }
    return nil
  }

  private static func configuration(of command: any ParsableCommand.Type) -> CommandConfiguration {
    func open<C: ParsableCommand>(_ type: C.Type) -> CommandConfiguration { C.configuration }
    return open(command)
  }
}
