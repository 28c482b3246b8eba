package dev.trimtab.network.live;

import dev.trimtab.network.core.intent.NetworkIntent;
import dev.trimtab.policy.core.AdmissionCheck;
import dev.trimtab.policy.core.AdmissionRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** At admission, a NetworkIntent that Trimtab cannot read is refused (422, naming each field), as a CRD's schema would refuse it. */
@ApplicationScoped
public class NetworkIntentValidation implements AdmissionCheck {
    @Override
    public Stage stage() {
        return Stage.VALIDATE;
    }

    @Override
    public String refusal(AdmissionRequest r) {
        if (r.object() == null
                || !NetworkIntent.GROUP.equals(r.kind().group())
                || !NetworkIntent.KIND.equals(r.kind().kind())) {
            return null;
        }
        List<String> errors = NetworkIntent.fromObjects(List.of(r.object())).errors();
        return errors.isEmpty() ? null : String.join("; ", errors);
    }
}
