package dev.trimtab;

import dev.trimtab.autoscaler.replay.ReplayCommand;
import dev.trimtab.cli.Cli;
import dev.trimtab.ingest.convert.ConvertCommand;
import dev.trimtab.network.NetworkCommand;
import dev.trimtab.policy.PolicyCommand;
import dev.trimtab.rbac.RbacCommand;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trimtab}: the command line of the one image. With no arguments, or {@code serve}, it starts
 * the function service ({@link Main}); every other command runs offline, without Quarkus, Kafka or a
 * Kubernetes client, and has {@code --help}. {@code generate-completion} prints a bash and zsh
 * completion script ({@code source <(java -jar quarkus-run.jar generate-completion)}).
 */
@Command(
        name = "trimtab",
        mixinStandardHelpOptions = true,
        versionProvider = TrimtabCommand.Version.class,
        description = "Right-sizes, places and polices Kubernetes workloads from events on Kafka.",
        commandListHeading = "%nCommands:%n",
        footer = {
            "",
            "In a build with -Plocal also: local, chaos, local-bench, ingest-bench, lag-bench, policy-bench, "
                    + "start-bench, admission-bench (docs/benchmarks.md, docs/reliability.md).",
            "",
            "Exit status: 0 ok, 1 a negative answer or a failure (named on stderr), 2 wrong usage."
        },
        subcommands = {
            TrimtabCommand.Serve.class,
            ReplayCommand.class,
            ConvertCommand.class,
            PolicyCommand.class,
            NetworkCommand.class,
            RbacCommand.class,
            AutoComplete.GenerateCompletion.class
        })
public final class TrimtabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Runs an offline command line ({@code args} not empty, not {@code serve}); returns the exit status. */
    public static int run(String[] args, Cli.Io io) {
        picocli.CommandLine cl = Cli.commandLine(TrimtabCommand.class, io);
        cl.getSubcommands()
                .get("generate-completion")
                .getCommandSpec()
                .usageMessage()
                .hidden(false);
        int status = cl.execute(args);
        io.out().flush();
        return status;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** Only documents {@code serve}: {@link Main} starts Quarkus before picocli sees the word. */
    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = "Starts the function service (the default with no arguments): the functions enabled by "
                    + "configuration (application.properties, TRIMTAB_* environment variables, -D system properties).")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("serve is started by Main, not by the command line parser");
        }
    }

    /** The jar's {@code Implementation-Version}, or {@code development} when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TrimtabCommand.class.getPackage().getImplementationVersion();
            return new String[] {"trimtab " + (v == null ? "development" : v)};
        }
    }
}
