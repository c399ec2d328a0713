package io.pgcdc.connector.common;

/** Kafka's rule for topic names, for the connectors that fill topic templates. */
public final class TopicNames {
  /** The longest topic name Kafka accepts. */
  public static final int MAX_LENGTH = 249;

  private TopicNames() {}

  /**
   * {@code name} with every character Kafka does not take in a topic name (anything but ASCII
   * letters, digits, '.', '_' and '-') replaced by '_', cut to {@link #MAX_LENGTH} characters.
   */
  public static String legal(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      b.append(legal ? c : '_');
    }
    return b.length() > MAX_LENGTH ? b.substring(0, MAX_LENGTH) : b.toString();
  }
}
