package io.pgcdc.connector.json;

/**
 * Thrown by the fast paths when a value or a document has a shape they do not reproduce exactly;
 * {@link JsonConverter} then hands the whole record to Kafka's converter, whose result (or error)
 * is the reference. Carries no stack trace: it is control flow, not an error.
 */
final class Fallback extends RuntimeException {
  static final Fallback INSTANCE = new Fallback();

  private Fallback() {
    super("shape not handled by the fast path", null, false, false);
  }
}
