package dev.trimtab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: help everywhere, completion, and wrong words refused rather than starting a server. */
class TrimtabCommandTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TrimtabCommand.run(
                args,
                new Cli.Io(
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out())
                .startsWith("Usage: trimtab [-hV] [COMMAND]")
                .contains(
                        "  serve ",
                        "  replay ",
                        "  convert ",
                        "  policy ",
                        "  network ",
                        "  rbac ",
                        "  generate-completion ");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "serve",
                "replay",
                "convert",
                "policy",
                "policy review",
                "policy apply",
                "policy test",
                "network",
                "network can-reach",
                "network matrix",
                "network intents",
                "rbac",
                "rbac can-i",
                "rbac who-can",
                "rbac escalations",
                "rbac intents"
            })
    void everyCommandHasHelp(String command) {
        Run r = run((command + " --help").split(" "));
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("Usage: trimtab " + command + " ");
    }

    @Test
    void canIHelpSpeaksKubectlsFlags() {
        assertThat(run("rbac", "can-i", "-h").out())
                .contains(
                        "--as=USER",
                        "--as-group=GROUP",
                        "-n, --namespace=NS",
                        "-A, --all-namespaces",
                        "-o, --output=FORMAT",
                        "--list",
                        "-q, --quiet");
    }

    @Test
    void anUnknownCommandIsRefusedNotServed() {
        Run r = run("scale-everything");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("Unmatched argument at index 0: 'scale-everything'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void completionIsABashScript() {
        Run r = run("generate-completion");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("complete -F", "can-i", "who-can", "--all-namespaces");
    }
}
