package dev.trimtab.auth.core;

import java.util.List;

/**
 * A TokenReview's answer ({@code status}): the user when {@code authenticated}, the audiences the
 * token is valid for among those asked, or the API server's error. Built by {@link #authenticated}
 * and {@link #rejected}.
 */
public record Authentication(boolean authenticated, UserInfo user, List<String> audiences, String error) {
    public Authentication {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        error = error == null ? "" : error;
    }

    public static Authentication authenticated(UserInfo user, List<String> audiences) {
        return new Authentication(true, user, audiences, "");
    }

    public static Authentication rejected(String error) {
        return new Authentication(false, null, List.of(), error);
    }
}
