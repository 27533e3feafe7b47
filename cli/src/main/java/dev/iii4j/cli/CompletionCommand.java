package dev.iii4j.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code iii completion}: prints the shell completion script that picocli generates. */
@Command(
    name = "completion",
    description = {
      "Print the shell completion script (bash, zsh).",
      "Load it with: source <(iii completion)",
      "(zsh needs `autoload -U +X bashcompinit && bashcompinit` first.)",
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine()
        .getOut()
        .print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
