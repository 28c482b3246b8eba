package dev.trimtab.auth.core;

import java.util.List;

/** Asks the API server who a bearer token belongs to (a TokenReview), for the given audiences (none: the API server's own). */
public interface TokenReviewer {
    Authentication review(String token, List<String> audiences) throws ReviewUnavailable;
}
