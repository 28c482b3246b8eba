package dev.trimtab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image, checked offline (docs/image.md): the Jib configuration builds and pushes nothing by
 * default, names trimtab/trimtab:&lt;project version&gt; on a JRE 17 base as a non-root user; the
 * Dockerfile copies the fast-jar layout, runs as a non-root user and starts quarkus-run.jar; both
 * use the same base image.
 */
class ImageConfigTest {
    static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");

    static Properties properties() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(PROPERTIES)));
        return p;
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    static List<String[]> instructions() throws IOException {
        List<String[]> out = new ArrayList<>();
        String text = Files.readString(DOCKERFILE).replaceAll("\\\\\\n", " ");
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+", 2);
            out.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""});
        }
        return out;
    }

    static boolean nonRoot(String user) {
        String name = user.split(":")[0];
        return name.matches("[1-9][0-9]*") || (!name.isEmpty() && !name.equals("root") && !name.matches("0+"));
    }

    @Test
    void theDefaultBuildNeitherBuildsNorPushesAndTheImageIsNamedAfterTheProject() throws IOException {
        Properties p = properties();
        assertThat(p.getProperty("quarkus.container-image.build")).isEqualTo("false");
        assertThat(p.getProperty("quarkus.container-image.push")).isEqualTo("false");
        assertThat(p.stringPropertyNames())
                .as("no profile turns the image build on")
                .noneMatch(k -> k.startsWith("%") && k.contains("container-image.build"));
        assertThat(p.getProperty("quarkus.container-image.group") + "/" + p.getProperty("quarkus.container-image.name"))
                .isEqualTo("trimtab/trimtab");
        assertThat(p.getProperty("quarkus.container-image.tag")).isEqualTo("${quarkus.application.version}");
        assertThat(Files.readString(Path.of("pom.xml")))
                .contains("<artifactId>quarkus-container-image-jib</artifactId>");
    }

    @Test
    void jibRunsAsANonRootUserOnAJre17WithContainerAwareFlags() throws IOException {
        Properties p = properties();
        assertThat(p.getProperty("quarkus.jib.user")).matches("[1-9][0-9]*");
        assertThat(p.getProperty("quarkus.jib.base-jvm-image"))
                .matches("registry\\.access\\.redhat\\.com/ubi9/openjdk-17-runtime:[0-9.]+");
        assertThat(Arrays.asList(
                        p.getProperty("quarkus.jib.jvm-additional-arguments").split(",")))
                .contains("-XX:+ExitOnOutOfMemoryError")
                .anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
    }

    @Test
    void theDockerfileRunsQuarkusRunJarAsNonRootFromTheFastJarLayout() throws IOException {
        List<String[]> ins = instructions();
        String from = ins.stream()
                .filter(i -> i[0].equals("FROM"))
                .reduce((a, b) -> b)
                .orElseThrow()[1];
        assertThat(from).as("the same base as Jib").isEqualTo(properties().getProperty("quarkus.jib.base-jvm-image"));

        int user = -1;
        int entrypoint = -1;
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i)[0].equals("USER")) {
                user = i;
            } else if (ins.get(i)[0].equals("ENTRYPOINT")) {
                entrypoint = i;
            }
        }
        assertThat(user).as("a USER instruction").isNotNegative();
        assertThat(entrypoint).as("an ENTRYPOINT after the last USER").isGreaterThan(user);
        assertThat(nonRoot(ins.get(user)[1])).as("USER %s", ins.get(user)[1]).isTrue();

        List<String> command = Arrays.asList(new ObjectMapper().readValue(ins.get(entrypoint)[1], String[].class));
        assertThat(command.get(0)).isEqualTo("java");
        assertThat(command.get(command.indexOf("-jar") + 1)).isEqualTo("/deployments/quarkus-run.jar");

        List<String> copied =
                ins.stream().filter(i -> i[0].equals("COPY")).map(i -> i[1]).toList();
        assertThat(copied).allMatch(c -> c.startsWith("--chown=185 "));
        assertThat(copied)
                .extracting(c -> c.split("\\s+")[1])
                .containsExactly(
                        "target/quarkus-app/lib/",
                        "target/quarkus-app/*.jar",
                        "target/quarkus-app/app/",
                        "target/quarkus-app/quarkus/",
                        "src/main/docker/appcds.sh");

        // the class-data archive the build writes (appcds.sh ARCHIVE JAR: the JVM's ArchiveClassesAtExit
        // there) is the one the JVM is told to use
        String run = ins.stream()
                .filter(i -> i[0].equals("RUN"))
                .map(i -> i[1])
                .filter(r -> r.contains("appcds.sh"))
                .findFirst()
                .orElseThrow();
        assertThat(Files.readString(Path.of("src/main/docker/appcds.sh")))
                .contains("-XX:ArchiveClassesAtExit=\"$archive\"")
                .contains("kill -TERM");
        Matcher written = Pattern.compile("appcds\\.sh\\s+(\\S+)\\s+/deployments/quarkus-run\\.jar")
                .matcher(run);
        assertThat(written.find()).as(run).isTrue();
        String env = ins.stream()
                .filter(i -> i[0].equals("ENV") && i[1].startsWith("JDK_JAVA_OPTIONS"))
                .findFirst()
                .orElseThrow()[1];
        assertThat(env)
                .contains("-XX:SharedArchiveFile=" + written.group(1))
                .contains("-Xshare:auto")
                .contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(run).as("generated as the non-root user, after USER").contains("quarkus-run.jar");
        assertThat(ins.indexOf(
                        ins.stream().filter(i -> i[1].equals(run)).findFirst().orElseThrow()))
                .isGreaterThan(user);
    }
}
