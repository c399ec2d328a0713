package io.pgcdc.it.pg;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/** The last resort, for machines with Docker but no PostgreSQL binaries. */
final class TestcontainersServer {
  private TestcontainersServer() {}

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @SuppressWarnings("resource") // stopped by the shutdown hook through ServerProcess.stop
  static PostgresServer start(String majorVersion) {
    PostgreSQLContainer<?> container =
        new PostgreSQLContainer<>("postgres:" + majorVersion)
            .withDatabaseName("pgcdc")
            .withUsername("postgres")
            .withPassword("pgcdc-test-password")
            .withCommand(
                "postgres",
                "-c",
                "wal_level=logical",
                "-c",
                "max_wal_senders=40",
                "-c",
                "max_replication_slots=40",
                "-c",
                "max_prepared_transactions=20",
                "-c",
                "fsync=off");
    container.start();
    return new PostgresServer(
        container.getHost(),
        container.getMappedPort(5432),
        "pgcdc",
        "postgres",
        "pgcdc-test-password",
        "container postgres:" + majorVersion,
        new PostgresServer.ServerProcess() {
          @Override
          public void stop() {
            container.stop();
          }

          @Override
          public void restart() {
            throw new UnsupportedOperationException(
                "restarting a Testcontainers server keeps neither its port nor its data");
          }

          @Override
          public java.nio.file.Path directory() {
            return null;
          }

          @Override
          public java.nio.file.Path logFile() {
            return null;
          }
        });
  }
}
