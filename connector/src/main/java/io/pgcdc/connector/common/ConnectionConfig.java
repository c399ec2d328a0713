package io.pgcdc.connector.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The connection settings that the source and the sink share: either one {@code connection.url}
 * ({@code postgresql://user:password@host:port/db?sslmode=require}) or separate fields. A field set
 * explicitly wins over the same part of the URL.
 */
public final class ConnectionConfig {
  public static final String GROUP = "Connection";

  public static final String URL_CONFIG = "connection.url";
  private static final String URL_DOC =
      "PostgreSQL connection URL: postgresql://user:password@host:port/database?sslmode=... (the"
          + " jdbc:postgresql:// form is accepted too). Any part may be left out and given by the"
          + " separate connection.* settings, which win when both are set. Treated as a secret,"
          + " since it may carry the password.";

  public static final String HOST_CONFIG = "connection.host";
  private static final String HOST_DOC = "Host name or address of the PostgreSQL server.";
  public static final String HOST_DEFAULT = "localhost";

  public static final String PORT_CONFIG = "connection.port";
  private static final String PORT_DOC = "Port of the PostgreSQL server.";
  public static final int PORT_DEFAULT = 5432;

  public static final String DATABASE_CONFIG = "connection.database";
  private static final String DATABASE_DOC = "Database to connect to.";

  public static final String USER_CONFIG = "connection.user";
  private static final String USER_DOC = "User name to connect as.";

  public static final String PASSWORD_CONFIG = "connection.password";
  private static final String PASSWORD_DOC =
      "Password of the user. Never logged, but Kafka Connect returns a connector's config as given"
          + " (GET /connectors/NAME, .../config, .../tasks): give a config provider reference such as"
          + " ${env:PGCDC_POSTGRES_PASSWORD} or ${file:/etc/pgcdc/postgres.properties:password}; the"
          + " REST extension logs a warning for a password in clear.";

  public static final String SSLMODE_CONFIG = "connection.sslmode";
  private static final String SSLMODE_DOC =
      "TLS mode: disable, require (encrypted, server not verified), verify-ca (server"
          + " certificate signed by connection.sslrootcert) or verify-full (verify-ca and the"
          + " host name matches the certificate).";
  public static final String SSLMODE_DEFAULT = "disable";

  public static final String SSLROOTCERT_CONFIG = "connection.sslrootcert";
  private static final String SSLROOTCERT_DOC =
      "Path, on the Connect worker, of the PEM file with the certificate authorities that"
          + " verify the server (verify-ca, verify-full).";

  public static final String SSLCERT_CONFIG = "connection.sslcert";
  private static final String SSLCERT_DOC =
      "Path, on the Connect worker, of the client certificate (PEM) for certificate"
          + " authentication.";

  public static final String SSLKEY_CONFIG = "connection.sslkey";
  private static final String SSLKEY_DOC =
      "Path, on the Connect worker, of the client certificate's private key (PKCS-8 DER or"
          + " PKCS-12, as pgjdbc reads it).";

  public static final String SSLPASSWORD_CONFIG = "connection.sslpassword";
  private static final String SSLPASSWORD_DOC = "Password of the client key, if it has one.";

  private ConnectionConfig() {}

  /** Adds the connection settings to a connector's {@link ConfigDef}. */
  public static ConfigDef addTo(ConfigDef def) {
    int order = 0;
    return def.define(
            URL_CONFIG,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            URL_DOC,
            GROUP,
            ++order,
            Width.LONG,
            "Connection URL")
        .define(
            HOST_CONFIG,
            Type.STRING,
            null,
            Importance.HIGH,
            HOST_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "Host")
        .define(
            PORT_CONFIG,
            Type.INT,
            null,
            ConfigDef.LambdaValidator.with(
                (name, value) -> {
                  if (value != null && ((Integer) value < 1 || (Integer) value > 65535)) {
                    throw new ConfigException(name, value, "must be a port from 1 to 65535");
                  }
                },
                () -> "[1,...,65535]"),
            Importance.MEDIUM,
            PORT_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "Port")
        .define(
            DATABASE_CONFIG,
            Type.STRING,
            null,
            Importance.HIGH,
            DATABASE_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "Database")
        .define(
            USER_CONFIG,
            Type.STRING,
            null,
            Importance.HIGH,
            USER_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "User")
        .define(
            PASSWORD_CONFIG,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            PASSWORD_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "Password")
        .define(
            SSLMODE_CONFIG,
            Type.STRING,
            SSLMODE_DEFAULT,
            ConfigDef.ValidString.in("disable", "require", "verify-ca", "verify-full"),
            Importance.MEDIUM,
            SSLMODE_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            "SSL mode")
        .define(
            SSLROOTCERT_CONFIG,
            Type.STRING,
            null,
            Importance.LOW,
            SSLROOTCERT_DOC,
            GROUP,
            ++order,
            Width.LONG,
            "SSL root certificate")
        .define(
            SSLCERT_CONFIG,
            Type.STRING,
            null,
            Importance.LOW,
            SSLCERT_DOC,
            GROUP,
            ++order,
            Width.LONG,
            "SSL client certificate")
        .define(
            SSLKEY_CONFIG,
            Type.STRING,
            null,
            Importance.LOW,
            SSLKEY_DOC,
            GROUP,
            ++order,
            Width.LONG,
            "SSL client key")
        .define(
            SSLPASSWORD_CONFIG,
            Type.PASSWORD,
            null,
            Importance.LOW,
            SSLPASSWORD_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            "SSL key password");
  }

  /**
   * Reads the settings of a parsed config. Throws {@link ConfigException} naming the setting when
   * the URL is malformed or the database or user is missing.
   */
  public static ConnectionSettings settings(AbstractConfig config, String applicationName) {
    Map<String, String> fromUrl = parseUrl(config.getPassword(URL_CONFIG));
    String host = pick(config.getString(HOST_CONFIG), fromUrl.get("host"), HOST_DEFAULT);
    Integer portField = config.getInt(PORT_CONFIG);
    int port =
        portField != null
            ? portField
            : fromUrl.containsKey("port") ? Integer.parseInt(fromUrl.get("port")) : PORT_DEFAULT;
    String database = pick(config.getString(DATABASE_CONFIG), fromUrl.get("database"), null);
    String user = pick(config.getString(USER_CONFIG), fromUrl.get("user"), null);
    Password passwordField = config.getPassword(PASSWORD_CONFIG);
    Password password =
        passwordField != null
            ? passwordField
            : fromUrl.containsKey("password") ? new Password(fromUrl.get("password")) : null;
    String sslText =
        config.originals().containsKey(SSLMODE_CONFIG) || !fromUrl.containsKey("sslmode")
            ? config.getString(SSLMODE_CONFIG)
            : fromUrl.get("sslmode");
    SslMode sslMode;
    try {
      sslMode = SslMode.parse(sslText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(URL_CONFIG, "(hidden)", e.getMessage());
    }
    if (database == null) {
      throw new ConfigException(
          DATABASE_CONFIG
              + " is not set: set it, or put the database into "
              + URL_CONFIG
              + " (postgresql://host:port/database)");
    }
    if (user == null) {
      throw new ConfigException(
          USER_CONFIG
              + " is not set: set it, or put the user into "
              + URL_CONFIG
              + " (postgresql://user@host:port/database)");
    }
    Password sslPassword = config.getPassword(SSLPASSWORD_CONFIG);
    return new ConnectionSettings(
        host,
        port,
        database,
        user,
        password,
        sslMode,
        pick(config.getString(SSLROOTCERT_CONFIG), fromUrl.get("sslrootcert"), null),
        pick(config.getString(SSLCERT_CONFIG), fromUrl.get("sslcert"), null),
        pick(config.getString(SSLKEY_CONFIG), fromUrl.get("sslkey"), null),
        sslPassword,
        applicationName);
  }

  private static String pick(String field, String fromUrl, String fallback) {
    if (field != null && !field.isBlank()) {
      return field;
    }
    return fromUrl != null && !fromUrl.isBlank() ? fromUrl : fallback;
  }

  /**
   * Splits a {@code postgresql://} or {@code jdbc:postgresql://} URL into its parts. The exception
   * never repeats the URL, which may hold a password.
   */
  static Map<String, String> parseUrl(Password url) {
    Map<String, String> parts = new LinkedHashMap<>();
    if (url == null || url.value() == null || url.value().isBlank()) {
      return parts;
    }
    String text = url.value().trim();
    if (text.startsWith("jdbc:")) {
      text = text.substring("jdbc:".length());
    }
    if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
      throw new ConfigException(
          URL_CONFIG,
          "(hidden)",
          "must start with postgresql:// (for example postgresql://user:password@host:5432/db)");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException(
          URL_CONFIG,
          "(hidden)",
          "is not a valid URL near position "
              + e.getIndex()
              + ": "
              + e.getReason()
              + "; percent-encode special characters in the password");
    }
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      parts.put("user", decode(colon < 0 ? info : info.substring(0, colon)));
      if (colon >= 0) {
        parts.put("password", decode(info.substring(colon + 1)));
      }
    }
    if (uri.getHost() != null) {
      parts.put("host", uri.getHost());
    }
    if (uri.getPort() > 0) {
      parts.put("port", Integer.toString(uri.getPort()));
    }
    String path = uri.getRawPath();
    if (path != null && path.length() > 1) {
      parts.put("database", decode(path.substring(1)));
    }
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          parts.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    return parts;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
