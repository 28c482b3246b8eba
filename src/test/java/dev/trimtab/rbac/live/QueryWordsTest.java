package dev.trimtab.rbac.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryWordsTest {
    @Test
    void theCommandLinesWordsNeedNoWarning() {
        QueryWords.Resolved q = QueryWords.resolve("pods", null, List.of("dev"), List.of(), "shop", false);
        assertThat(q).isEqualTo(new QueryWords.Resolved("pods", List.of("dev"), "shop", List.of()));
        assertThat(QueryWords.resolve("pods", null, null, null, null, true).namespace())
                .isEmpty();
        assertThat(QueryWords.resolve("pods", null, null, null, null, true).warnings())
                .isEmpty();
    }

    @Test
    void thePreviousWordsAnswerWithAWarningEach() {
        QueryWords.Resolved q = QueryWords.resolve(null, "secrets/db", null, List.of("ops"), null, false);
        assertThat(q.resource()).isEqualTo("secrets/db");
        assertThat(q.groups()).containsExactly("ops");
        assertThat(q.namespace()).as("no namespace: all namespaces, as before").isEmpty();
        assertThat(q.warnings())
                .containsExactly(
                        "target is deprecated: use resource=secrets/db",
                        "group is deprecated: use asGroup (repeated for several groups)",
                        "no namespace: answered for all namespaces, as in the previous release; pass "
                                + "allNamespaces=true for that, or namespace=N (kubectl's default is namespace=default)");
    }

    @Test
    void aWordWithItsOldNameOrANamespaceWithAllNamespacesIsRefusedNamingBoth() {
        assertThatThrownBy(() -> QueryWords.resolve("pods", "pods", null, null, "shop", false))
                .hasMessageStartingWith("resource and target: give one");
        assertThatThrownBy(() -> QueryWords.resolve("pods", null, List.of("a"), List.of("b"), "shop", false))
                .hasMessageStartingWith("asGroup and group: give one");
        assertThatThrownBy(() -> QueryWords.resolve("pods", null, null, null, "shop", true))
                .hasMessage("namespace and allNamespaces: give one (got namespace=shop)");
    }

    @Test
    void aWarningThatEchoesTheCallerCannotAddAHeaderNorGrowTheAnswer() {
        assertThat(QueryWords.header("target is deprecated: use resource=pods\r\nX-Evil: 1\u00e9"))
                .isEqualTo("299 - \"target is deprecated: use resource=pods??X-Evil: 1?\"");
        String cut = QueryWords.header("x".repeat(10_000));
        assertThat(cut)
                .hasSize(QueryWords.MAX_WARNING_CHARS + "299 - \"\"".length())
                .endsWith("...\"");
    }

    @Test
    void aWarningIsQuotedAsAWarningHeader() {
        assertThat(QueryWords.header("say \"hi\" \\ bye")).isEqualTo("299 - \"say \\\"hi\\\" \\\\ bye\"");
    }
}
