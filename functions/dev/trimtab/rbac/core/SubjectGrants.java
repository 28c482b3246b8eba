package dev.trimtab.rbac.core;

import java.util.List;

/** A subject that may do what was asked, with every grant that lets it. */
public record SubjectGrants(Subject subject, List<Grant> grants) {
    public SubjectGrants {
        grants = List.copyOf(grants);
    }
}
