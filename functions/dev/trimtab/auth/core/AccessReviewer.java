package dev.trimtab.auth.core;

/** Asks the API server whether a user may do something (a SubjectAccessReview). */
public interface AccessReviewer {
    Authorization review(UserInfo user, Permission permission) throws ReviewUnavailable;
}
