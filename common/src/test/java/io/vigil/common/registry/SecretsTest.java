package io.vigil.common.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void hashMatchesOnlyItsPassword() {
        String pw = Secrets.newPassword();
        String hash = Secrets.mosquittoHash(pw);
        assertThat(hash).startsWith("$7$" + Secrets.ITERATIONS + "$");
        assertThat(Secrets.isMosquittoHash(hash)).isTrue();
        assertThat(Secrets.matches(pw, hash)).isTrue();
        assertThat(Secrets.matches(pw + "x", hash)).isFalse();
        assertThat(Secrets.matches(pw, "plain")).isFalse();
        assertThat(Secrets.mosquittoHash(pw)).as("salted").isNotEqualTo(hash);
    }

    @Test
    void aclLetsEachDeviceWriteOnlyItsOwnTopicAndLeavesRevokedOnesOut() {
        DeviceRegistry r = DeviceRegistry.empty()
                .with(new RegisteredDevice("g1", "s", "z", null, Secrets.mosquittoHash("a"), Secrets.newPskKey(), Set.of(), false))
                .with(new RegisteredDevice("g2", "s", "z", null, Secrets.mosquittoHash("b"), Secrets.newPskKey(), Set.of(), true));
        List<ServiceAccount> services = List.of(new ServiceAccount("gw", Secrets.mosquittoHash("c"),
                ServiceAccount.Role.GATEWAY));

        String acl = MosquittoAccess.aclFile(r, services);
        String passwords = MosquittoAccess.passwordFile(r, services);

        assertThat(acl).contains("user g1\ntopic write vigil/readings/g1\n").doesNotContain("g2")
                .contains("user gw\ntopic read vigil/readings/+\ntopic read $share/vigil/vigil/readings/+\n");
        assertThat(passwords.lines()).hasSize(2).anyMatch(l -> l.startsWith("g1:$7$")).noneMatch(l -> l.startsWith("g2:"));
    }
}
