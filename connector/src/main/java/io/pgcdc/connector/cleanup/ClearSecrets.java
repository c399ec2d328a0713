package io.pgcdc.connector.cleanup;

import io.pgcdc.connector.common.ConnectionConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which secret settings of a pgcdc connector config hold a secret in clear text rather than a
 * config provider reference ({@code ${provider:path:key}}). Kafka Connect stores a config as given
 * and returns it as given from {@code GET /connectors/NAME}, {@code .../config} and {@code
 * .../tasks}, so a secret in clear is readable by anyone who can read the REST API or the config
 * topic.
 */
final class ClearSecrets {
  private static final List<String> CONNECTOR_CLASSES =
      List.of(
          "io.pgcdc.connector.source.PostgresSourceConnector",
          "io.pgcdc.connector.sink.PostgresSinkConnector");

  /** A {@code scheme://user:password@} prefix: a URL that carries a password. */
  private static final Pattern URL_WITH_PASSWORD = Pattern.compile("^[^/]*//[^/@]*:[^/@]*@.*");

  private ClearSecrets() {}

  /**
   * The names of the settings that hold a secret in clear, in a fixed order; empty for a config
   * that is not a pgcdc connector's, or has none.
   */
  static List<String> in(Map<String, String> config) {
    List<String> clear = new ArrayList<>();
    if (!isPgcdc(config.get("connector.class"))) {
      return clear;
    }
    for (String setting :
        List.of(ConnectionConfig.PASSWORD_CONFIG, ConnectionConfig.SSLPASSWORD_CONFIG)) {
      if (isClear(config.get(setting))) {
        clear.add(setting);
      }
    }
    String url = config.get(ConnectionConfig.URL_CONFIG);
    if (isClear(url) && URL_WITH_PASSWORD.matcher(url.trim()).matches()) {
      clear.add(ConnectionConfig.URL_CONFIG);
    }
    return clear;
  }

  private static boolean isClear(String value) {
    return value != null && !value.isBlank() && !value.contains("${");
  }

  /** The class name, its simple name, or the simple name without "Connector" (Connect aliases). */
  private static boolean isPgcdc(String connectorClass) {
    if (connectorClass == null) {
      return false;
    }
    String name = connectorClass.trim();
    for (String known : CONNECTOR_CLASSES) {
      String simple = known.substring(known.lastIndexOf('.') + 1);
      if (name.equals(known)
          || name.equals(simple)
          || name.equals(simple.substring(0, simple.length() - "Connector".length()))) {
        return true;
      }
    }
    return false;
  }
}
