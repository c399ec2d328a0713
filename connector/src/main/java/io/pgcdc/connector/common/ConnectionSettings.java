package io.pgcdc.connector.common;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.postgresql.PGProperty;

/**
 * Where and how to connect. {@link #toString()} and {@link #describe()} never show the password.
 */
public record ConnectionSettings(
    String host,
    int port,
    String database,
    String user,
    Password password,
    SslMode sslMode,
    String sslRootCert,
    String sslCert,
    String sslKey,
    Password sslPassword,
    String applicationName) {

  /** The JDBC URL without credentials. */
  public String jdbcUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + encode(database);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  /** {@code user@host:port/database}, for messages and logs. */
  public String describe() {
    return user + "@" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "ConnectionSettings[" + describe() + ", sslmode=" + sslMode.value() + "]";
  }

  /** The driver properties: credentials, TLS and the application name. */
  public Properties properties() {
    Properties props = new Properties();
    PGProperty.USER.set(props, user);
    if (password != null && password.value() != null) {
      PGProperty.PASSWORD.set(props, password.value());
    }
    PGProperty.SSL_MODE.set(props, sslMode.value());
    if (sslMode != SslMode.DISABLE) {
      PGProperty.SSL.set(props, "true");
    }
    if (sslRootCert != null) {
      PGProperty.SSL_ROOT_CERT.set(props, sslRootCert);
    }
    if (sslCert != null) {
      PGProperty.SSL_CERT.set(props, sslCert);
    }
    if (sslKey != null) {
      PGProperty.SSL_KEY.set(props, sslKey);
    }
    if (sslPassword != null && sslPassword.value() != null) {
      PGProperty.SSL_PASSWORD.set(props, sslPassword.value());
    }
    PGProperty.APPLICATION_NAME.set(props, applicationName);
    PGProperty.CONNECT_TIMEOUT.set(props, 10);
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    return props;
  }

  /** Opens an ordinary connection. */
  public Connection open() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), properties());
  }

  /**
   * Opens a logical replication connection ({@code replication=database}); pgjdbc's replication API
   * requires the simple query protocol on it.
   */
  public Connection openReplication() throws SQLException {
    Properties props = properties();
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    return DriverManager.getConnection(jdbcUrl(), props);
  }
}
