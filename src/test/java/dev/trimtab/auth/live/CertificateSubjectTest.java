package dev.trimtab.auth.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.auth.core.UserInfo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Certificate subjects read as the API server's x509 authenticator reads them (CommonNameUserConversion). */
class CertificateSubjectTest {
    record Case(String name, String subject, String user, List<String> groups) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "CN is the user",
                        "CN=system:kube-scheduler",
                        "system:kube-scheduler",
                        List.of("system:authenticated")),
                new Case(
                        "each O a group, in order",
                        "CN=eve,O=qa,O=dev",
                        "eve",
                        List.of("dev", "qa", "system:authenticated")),
                new Case(
                        "the last CN wins, as in Go's pkix.Name",
                        "CN=second,CN=first",
                        "second",
                        List.of("system:authenticated")),
                new Case("escaped characters are read", "CN=a\\,b,OU=x", "a,b", List.of("system:authenticated")),
                new Case("no CN: nobody", "O=dev", null, null),
                new Case("empty CN: nobody", "CN=", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reads(Case c) {
        UserInfo u = AccessFilter.subjectUser(c.subject());
        if (c.user() == null) {
            assertThat(u).isNull();
            return;
        }
        assertThat(u.username()).isEqualTo(c.user());
        assertThat(u.groups()).isEqualTo(c.groups());
    }
}
