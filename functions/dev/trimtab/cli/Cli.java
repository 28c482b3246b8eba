package dev.trimtab.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs a picocli command with the streams it is given (so tests and the process use the same
 * path), in the manner of kubectl: exit 2 on wrong usage (the problem named, then the usage), 1 when
 * the command failed (its message named), else what the command returns. Commands whose class has a
 * constructor taking {@link Io} get the streams through it, at every level of subcommands.
 */
public final class Cli {
    private Cli() {}

    /** Where a command reads {@code -} and writes its answers and its problems. */
    public record Io(InputStream in, PrintStream out, PrintStream err) {
        public static Io system() {
            return new Io(System.in, System.out, System.err);
        }
    }

    /** A command line over {@code command} (a class or an instance), with the streams of {@code io}. */
    public static CommandLine commandLine(Object command, Io io) {
        CommandLine cl = new CommandLine(command, new IoFactory(io));
        cl.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + message(e));
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl;
    }

    /** Runs {@code args} against {@code command}; returns the exit status. */
    public static int execute(Object command, String[] args, Io io) {
        int status = commandLine(command, io).execute(args);
        io.out().flush();
        io.err().flush();
        return status;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private record IoFactory(Io io) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> withIo = cls.getDeclaredConstructor(Io.class);
                withIo.setAccessible(true); // commands are package-private classes of their function
                return withIo.newInstance(io);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
