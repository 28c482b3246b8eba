package dev.trimtab.rbac.live;

import dev.trimtab.policy.core.AdmissionCheck;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.rbac.core.RbacIntent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** At admission, an RbacIntent that Trimtab cannot read is refused (422, naming each field), as a CRD's schema would refuse it. */
@ApplicationScoped
public class RbacIntentValidation implements AdmissionCheck {
    @Override
    public Stage stage() {
        return Stage.VALIDATE;
    }

    @Override
    public String refusal(AdmissionRequest r) {
        if (r.object() == null
                || !RbacIntent.GROUP.equals(r.kind().group())
                || !RbacIntent.KIND.equals(r.kind().kind())) {
            return null;
        }
        List<String> errors = RbacIntent.fromObjects(List.of(r.object())).errors();
        return errors.isEmpty() ? null : String.join("; ", errors);
    }
}
