package io.pgcdc.connector.source.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignalProofTest {
  private static final byte[] KEY = new byte[SignalFunction.KEY_BYTES];

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  @Test
  void theFunctionsSqlFormulaIsHmacSha256() throws Exception {
    // sha256(outer || sha256(inner || body)), as the signal function computes it.
    String body = "{\"action\":\"snapshot\"}";
    MessageDigest inner = MessageDigest.getInstance("SHA-256");
    inner.update(SignalProof.pad(KEY, (byte) 0x36));
    byte[] innerHash = inner.digest(body.getBytes(StandardCharsets.UTF_8));
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    outer.update(SignalProof.pad(KEY, (byte) 0x5c));
    String sql = HexFormat.of().formatHex(outer.digest(innerHash));
    assertThat(SignalProof.hmac(KEY, body)).isEqualTo(sql);
  }

  @Test
  void aSignedBodyVerifiesAndAnAlteredOneDoesNot() {
    String signed = SignalProof.sign(KEY, "{\"action\":\"pause\"}");
    assertThat(SignalProof.verified(KEY, signed)).isEqualTo("{\"action\":\"pause\"}");
    assertThat(SignalProof.verified(KEY, signed.replace("pause", "resume"))).isNull();
    assertThat(SignalProof.verified(KEY, "{\"action\":\"pause\"}")).isNull();
    byte[] other = KEY.clone();
    other[0] = 8;
    assertThat(SignalProof.verified(other, signed)).isNull();
  }
}
