package dev.iii4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code iii} command: its subcommands, global options and exit-code handling. {@link
 * #main(String[])} runs it and exits with the command's code (see {@link ExitCodes}).
 */
@Command(
    name = "iii",
    mixinStandardHelpOptions = true,
    versionProvider = Iii.Version.class,
    description = {
      "Call functions and look inside a running iii engine.",
      "Connects to $III_URL (default "
          + EngineOptions.DEFAULT_URL
          + "); sends $III_SERVICE_TOKEN"
          + " when it is set.",
    },
    subcommands = {
      TriggerCommand.class,
      FunctionsCommand.class,
      WorkersCommand.class,
      TracesCommand.class,
      LogsCommand.class,
      TriggersCommand.class,
      StateCommand.class,
      QueueCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class,
      WarmUpCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the function answered with an error",
      "2:bad arguments or invalid JSON",
      "3:not found (function, key, dead letter)",
      "4:no answer within --timeout / --timeout-ms",
      "5:the engine could not be reached",
    })
public final class Iii implements Callable<Integer> {
  private static volatile boolean verbose;

  @Spec CommandSpec spec;

  /** {@code iii} without a command: the usage on stderr, and the usage exit code. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().flush();
    return ExitCodes.USAGE;
  }

  @Option(
      names = {"-v", "--verbose"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Log the connection at debug level and show remote stack traces.")
  void verbose(boolean on) {
    verbose = on;
    // Read by slf4j-simple when the SDK creates its first logger, which is after parsing.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", on ? "debug" : "warn");
  }

  /** Whether {@code -v} was given. */
  static boolean verbose() {
    return verbose;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; output goes to stdout and stderr. */
  static int run(String... args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    PrintWriter out = utf8(FileDescriptor.out);
    PrintWriter err = utf8(FileDescriptor.err);
    CommandLine commandLine = new CommandLine(new Iii());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    addHelpOptions(commandLine);
    commandLine.setParameterExceptionHandler(
        (e, arguments) -> {
          CommandLine cmd = e.getCommandLine();
          PrintWriter stderr = cmd.getErr();
          stderr.println("error: " + e.getMessage());
          UnmatchedArgumentException.printSuggestions(e, stderr);
          stderr.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
          stderr.flush();
          return ExitCodes.USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof CliException failure) {
            cmd.getErr().println(failure.render());
            cmd.getErr().flush();
            return failure.exitCode();
          }
          cmd.getErr().println("error: " + e);
          if (verbose) {
            e.printStackTrace(cmd.getErr());
          }
          cmd.getErr().flush();
          return ExitCodes.INTERNAL;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Gives every command that has no {@code --help} of its own a {@code -h, --help} that prints its
   * usage, so that {@code iii <command> [<subcommand>] --help} always answers.
   */
  static void addHelpOptions(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
      spec.addOption(
          OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help and exit.")
              .build());
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      if (sub.getCommandSpec().parent() == spec) {
        addHelpOptions(sub);
      }
    }
  }

  private static PrintWriter utf8(FileDescriptor fd) {
    // JSON is UTF-8 whatever the locale says; the default charset may be ASCII in a container.
    return new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), false);
  }

  /** {@code iii --version}: the project version the CLI was built from. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = "unknown";
      try (InputStream in = Iii.class.getResourceAsStream("/dev/iii4j/cli/cli.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          version = p.getProperty("version", version);
        }
      } catch (IOException e) {
        // keep "unknown"
      }
      return new String[] {"iii " + version + " (iii4j)"};
    }
  }
}
