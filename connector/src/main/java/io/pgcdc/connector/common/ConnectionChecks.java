package io.pgcdc.connector.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * What every connector's {@code validate()} says about a connection it could not open, on the
 * setting to change and with what to do: certificate files missing on the worker, SSL, pg_hba.conf,
 * login, database, address.
 */
public final class ConnectionChecks {
  private ConnectionChecks() {}

  /**
   * Reports on {@code result} why {@code e} kept the validation from connecting with {@code
   * settings}: on the setting it is about (the URL when the user gave that instead), with the
   * driver's message and what to do.
   */
  public static void connectFailed(
      AbstractConfig config, ConnectionSettings settings, SQLException e, Config result) {
    ConnectionProblem problem = connectionProblem(e, settings.sslRootCert() != null);
    String cause = String.valueOf(e.getMessage());
    if (problem.advice() != null && cause.endsWith(".")) {
      cause = cause.substring(0, cause.length() - 1); // pgjdbc's messages end with one
    }
    error(
        result,
        givenAs(config, problem.setting()),
        "Could not connect to "
            + settings.describe()
            + ": "
            + cause
            + (problem.advice() == null ? "" : ". " + problem.advice()));
  }

  /**
   * Reports a certificate or key file that the driver would read and that is missing or unreadable
   * on this worker, before connecting: the driver's own error names the file but reads as a network
   * failure. False if one is.
   */
  public static boolean checkSslFiles(
      AbstractConfig config, ConnectionSettings settings, Config result) {
    SslMode mode = settings.sslMode();
    boolean ok = true;
    if (mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) {
      ok &= checkFile(config, result, ConnectionConfig.SSLROOTCERT_CONFIG, settings.sslRootCert());
    }
    if (mode != SslMode.DISABLE) {
      ok &= checkFile(config, result, ConnectionConfig.SSLCERT_CONFIG, settings.sslCert());
      ok &= checkFile(config, result, ConnectionConfig.SSLKEY_CONFIG, settings.sslKey());
    }
    return ok;
  }

  private static boolean checkFile(
      AbstractConfig config, Config result, String setting, String path) {
    String problem = missingFile(setting, path);
    if (problem != null) {
      error(result, givenAs(config, setting), problem);
    }
    return problem == null;
  }

  /** What is wrong with the file a setting names, or null if it is readable (or not set). */
  public static String missingFile(String setting, String path) {
    if (path == null) {
      return null;
    }
    Path file = Path.of(path);
    String state =
        !Files.exists(file)
            ? "does not exist"
            : Files.isDirectory(file)
                ? "is a directory"
                : Files.isReadable(file) ? null : "is not readable by the worker's user";
    return state == null
        ? null
        : "The file "
            + path
            + " ("
            + setting
            + ") "
            + state
            + " on this Connect worker: "
            + (setting.equals(ConnectionConfig.SSLROOTCERT_CONFIG)
                ? "put the PEM file of the CA that signed the server's certificate there, on every"
                    + " worker, or correct "
                : "put the file there, on every worker, or correct ")
            + setting;
  }

  /** The setting a connection problem is about, and what to do (null when there is no advice). */
  public record ConnectionProblem(String setting, String advice) {}

  /**
   * What a failed connection is about: a server without SSL is the SSL mode's; a host name the
   * certificate does not name is the host's; a root certificate file the driver cannot read, or a
   * certificate it does not accept, the root certificate's (the SSL mode's when none was given); a
   * pg_hba.conf line that demands another encryption the SSL mode's; a failed login (SQLSTATE class
   * 28) the password's; a missing database the database's; anything else the host's. The driver's
   * messages never carry the password.
   */
  public static ConnectionProblem connectionProblem(SQLException e, boolean rootCertGiven) {
    String message = String.valueOf(e.getMessage());
    ConnectionProblem ssl = sslProblem(e, message, rootCertGiven);
    return ssl != null ? ssl : loginProblem(e, message);
  }

  /** A problem with SSL: the server's, its certificate, or the CA given; null when none. */
  private static ConnectionProblem sslProblem(
      SQLException e, String message, boolean rootCertGiven) {
    if (message.contains("does not support SSL")) {
      return new ConnectionProblem(
          ConnectionConfig.SSLMODE_CONFIG,
          "Turn on ssl in the server's postgresql.conf, or set "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=disable to connect without SSL");
    }
    // pgjdbc's MakeSSL: "The hostname {0} could not be verified by hostnameverifier {1}.", SQLSTATE
    // 08006, with no SSLException cause: the handshake succeeded, the name check failed.
    if (message.contains("could not be verified by hostnameverifier")) {
      return new ConnectionProblem(
          ConnectionConfig.HOST_CONFIG,
          "The host name does not match the server's certificate (sslmode=verify-full): set "
              + ConnectionConfig.HOST_CONFIG
              + " to the name the certificate was issued for (one of its subject alternative"
              + " names), or set "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=verify-ca to check only that the CA in "
              + ConnectionConfig.SSLROOTCERT_CONFIG
              + " signed it");
    }
    // pgjdbc's LibPQFactory: "Could not open (read) SSL root certificate file {0}."
    if (message.contains("SSL root certificate file")) {
      return new ConnectionProblem(
          ConnectionConfig.SSLROOTCERT_CONFIG,
          "Set "
              + ConnectionConfig.SSLROOTCERT_CONFIG
              + " to a readable PEM file with the certificate of the CA that signed the server's"
              + " certificate");
    }
    if (isSsl(e)) {
      return new ConnectionProblem(
          rootCertGiven ? ConnectionConfig.SSLROOTCERT_CONFIG : ConnectionConfig.SSLMODE_CONFIG,
          "The server's certificate was not accepted: give the CA that signed it in "
              + ConnectionConfig.SSLROOTCERT_CONFIG
              + ", and for verify-full make connection.host the name in the certificate");
    }
    return null;
  }

  /** A problem with the address, pg_hba.conf, the user, the password or the database. */
  private static ConnectionProblem loginProblem(SQLException e, String message) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (message.contains("pg_hba.conf")) {
      return new ConnectionProblem(
          ConnectionConfig.SSLMODE_CONFIG,
          "The server's pg_hba.conf admits no such connection: add a line for this user,"
              + " database and address and reload the server; if it admits SSL connections only"
              + " (hostssl), set "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=require, if unencrypted ones only (hostnossl), "
              + ConnectionConfig.SSLMODE_CONFIG
              + "=disable");
    }
    if (state.startsWith("28")) {
      return new ConnectionProblem(
          ConnectionConfig.PASSWORD_CONFIG,
          "Check " + ConnectionConfig.USER_CONFIG + " and " + ConnectionConfig.PASSWORD_CONFIG);
    }
    if (state.equals("3D000")) {
      return new ConnectionProblem(
          ConnectionConfig.DATABASE_CONFIG, "Check " + ConnectionConfig.DATABASE_CONFIG);
    }
    if (state.startsWith("08")) {
      return new ConnectionProblem(
          ConnectionConfig.HOST_CONFIG,
          "Check "
              + ConnectionConfig.HOST_CONFIG
              + " and "
              + ConnectionConfig.PORT_CONFIG
              + ", that the server runs and listens on that address (listen_addresses, port), and"
              + " that no firewall stands between the Connect worker and the server");
    }
    return new ConnectionProblem(ConnectionConfig.HOST_CONFIG, null);
  }

  private static boolean isSsl(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  /** The setting itself, or the URL when the user gave the URL and not that setting. */
  public static String givenAs(AbstractConfig config, String setting) {
    Map<String, Object> given = config.originals();
    return given.get(ConnectionConfig.URL_CONFIG) != null && given.get(setting) == null
        ? ConnectionConfig.URL_CONFIG
        : setting;
  }

  /** Adds {@code message} to the errors of setting {@code name} in {@code result}. */
  public static void error(Config result, String name, String message) {
    for (ConfigValue v : result.configValues()) {
      if (v.name().equals(name)) {
        v.addErrorMessage(message);
        return;
      }
    }
  }
}
