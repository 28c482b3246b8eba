package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The identity an impersonated request gets, as the API server's impersonation filter builds it
 * (k8s.io/apiserver pkg/endpoints/filters/impersonation.go, the cases of impersonation_test.go):
 * a service account's groups only when no group is given; {@code system:authenticated} added unless
 * {@code system:authenticated} or {@code system:unauthenticated} is already among the groups;
 * {@code system:anonymous} gets {@code system:unauthenticated}. Issue 19 item 6.
 */
class ImpersonationTest {

    @ParameterizedTest(name = "--as {0} --as-group [{1}] -> [{2}]")
    @CsvSource(
            delimiter = '|',
            value = {
                // user                              | groups given                 | groups the authorizer sees
                "alice                               |                              | system:authenticated",
                "alice                               | devs                         | devs system:authenticated",
                "alice                               | devs system:authenticated    | devs system:authenticated",
                "alice                               | system:unauthenticated       | system:unauthenticated",
                "alice                               | devs system:unauthenticated  | devs system:unauthenticated",
                "system:anonymous                    |                              | system:unauthenticated",
                "system:anonymous                    | devs                         | devs system:unauthenticated",
                "system:anonymous                    | system:unauthenticated       | system:unauthenticated",
                "system:serviceaccount:shop:web      |                              | system:serviceaccounts system:serviceaccounts:shop system:authenticated",
                // groups given: the service account's own groups are not added
                "system:serviceaccount:shop:web      | ops                          | ops system:authenticated",
                "system:serviceaccount:shop:web      | system:unauthenticated       | system:unauthenticated",
                // not a service account name (three parts): an ordinary user
                "system:serviceaccount:shop          |                              | system:authenticated",
            })
    void groupsAsTheApiServerBuildsThem(String user, String given, String expected) {
        UserInfo who = UserInfo.authenticated(user, words(given));
        assertThat(who.name()).isEqualTo(user);
        assertThat(who.groups()).containsExactlyElementsOf(words(expected));
    }

    @ParameterizedTest(name = "a RoleBinding to {1} applies to --as {0} --as-group [{2}]: {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "system:serviceaccount:shop:web | system:serviceaccounts:shop | ops                    | false",
                "system:serviceaccount:shop:web | system:serviceaccounts:shop |                        | true",
                "alice                          | system:authenticated        | system:unauthenticated | false",
                "alice                          | system:authenticated        | devs                   | true",
            })
    void theGroupsDecideWhatABindingGrants(String user, String boundGroup, String given, boolean allowed) {
        Authorizer authz = new Authorizer(RbacModel.fromObjects(List.of(
                RbacObjects.role("shop", "read-pods", RbacObjects.rule(List.of("get"), List.of(""), List.of("pods"))),
                RbacObjects.roleBinding("shop", "read-pods", "Role", "read-pods", RbacObjects.group(boundGroup)))));
        assertThat(authz.canI(
                                UserInfo.authenticated(user, words(given)),
                                AccessRequest.resource("get", "", "pods", "", "web", "shop"))
                        .allowed())
                .isEqualTo(allowed);
    }

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }
}
