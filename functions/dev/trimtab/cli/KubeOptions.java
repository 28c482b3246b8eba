package dev.trimtab.cli;

import dev.trimtab.kube.Manifests;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags every offline Kubernetes question shares, spelled as kubectl spells them. Each is a
 * picocli mixin, so a command takes exactly the ones that mean something to it.
 */
public final class KubeOptions {
    private KubeOptions() {}

    /** kubectl's namespace when no kubeconfig names one. */
    public static final String DEFAULT_NAMESPACE = "default";

    /** {@code --manifests DIR}: the YAML or JSON manifests that stand for the cluster. */
    public static final class ManifestsDir {
        @Option(
                names = "--manifests",
                required = true,
                paramLabel = "DIR",
                description = "Directory of YAML or JSON manifests (searched recursively) that stand for the cluster.")
        public Path dir;

        /**
         * Every object of the directory, in file order; each document that could not be read named
         * on {@code err} as {@code COMMAND: problem} and left out. A directory that cannot be read at
         * all fails the command (exit 1).
         */
        public List<Map<String, Object>> objects(PrintStream err, String command) {
            if (!Files.isDirectory(dir)) {
                throw new UncheckedIOException(
                        "cannot read manifests in " + dir + ": not a directory", new IOException("not a directory"));
            }
            try {
                Manifests.Contents contents = Manifests.read(dir);
                contents.errors().forEach(e -> err.println(command + ": " + e));
                return contents.objects();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read manifests in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** {@code -n/--namespace} and {@code -A/--all-namespaces}. */
    public static final class Namespace {
        @Option(
                names = {"-n", "--namespace"},
                paramLabel = "NS",
                description =
                        "The namespace of the question (default: \"default\", as kubectl without a kubeconfig namespace).")
        public String namespace;

        @Option(
                names = {"-A", "--all-namespaces"},
                description = "Ask across all namespaces: only cluster-wide grants and policies count.")
        public boolean allNamespaces;

        /** The namespace asked about: {@code ""} for all namespaces. */
        public String resolved() {
            if (allNamespaces) {
                if (namespace != null) {
                    throw new IllegalArgumentException(
                            "-n/--namespace \"" + namespace + "\": not with -A/--all-namespaces");
                }
                return "";
            }
            return namespace == null ? DEFAULT_NAMESPACE : namespace;
        }

        public boolean given() {
            return namespace != null || allNamespaces;
        }
    }

    /** {@code --as} and {@code --as-group}: whom the question is about (kubectl's impersonation flags). */
    public static final class Impersonation {
        @Option(
                names = "--as",
                paramLabel = "USER",
                description =
                        "The user asking, e.g. alice or system:serviceaccount:NS:NAME (offline there is no current user).")
        public String user;

        @Option(
                names = "--as-group",
                paramLabel = "GROUP",
                description = "A group of the user; repeat for several (system:authenticated is always added).")
        public List<String> groups = new ArrayList<>();
    }
}
