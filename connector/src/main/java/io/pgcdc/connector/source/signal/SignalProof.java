package io.pgcdc.connector.source.signal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof a signal message carries: its JSON body, a newline, and the hex HMAC-SHA256 of the body
 * with the connector's key. The signal function computes it in SQL as {@code sha256(outer ||
 * sha256(inner || body))}, inner and outer being the key XOR 0x36 and 0x5c (RFC 2104 for a key of
 * the hash's block size, 64 bytes).
 */
final class SignalProof {
  private SignalProof() {}

  /** {@code key} with every byte XORed with {@code pad}. */
  static byte[] pad(byte[] key, byte pad) {
    byte[] out = new byte[key.length];
    for (int i = 0; i < key.length; i++) {
      out[i] = (byte) (key[i] ^ pad);
    }
    return out;
  }

  static String hmac(byte[] key, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** A message's content as the function writes it. */
  static String sign(byte[] key, String body) {
    return body + "\n" + hmac(key, body);
  }

  /** The body of {@code content} when its proof is right; null when it is not. */
  static String verified(byte[] key, String content) {
    int nl = content.lastIndexOf('\n');
    if (nl < 0) {
      return null;
    }
    String body = content.substring(0, nl);
    byte[] expected = hmac(key, body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = content.substring(nl + 1).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given) ? body : null;
  }
}
