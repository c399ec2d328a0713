package io.pgcdc.connector.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClearSecretsTest {
  private static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";

  @Test
  void aPasswordInClearIsNamed() {
    assertThat(
            ClearSecrets.in(
                Map.of("connector.class", SOURCE, "connection.password", "s3cret", "name", "x")))
        .containsExactly("connection.password");
  }

  @Test
  void providerReferencesAreNotInClear() {
    assertThat(
            ClearSecrets.in(
                Map.of(
                    "connector.class", SOURCE,
                    "connection.password", "${env:PGCDC_POSTGRES_PASSWORD}",
                    "connection.sslpassword", "${file:/etc/pgcdc/keys.properties:key}",
                    "connection.url", "postgresql://app:${env:DB_PASSWORD}@db:5432/shop")))
        .isEmpty();
  }

  @Test
  void theSslKeyPasswordAndAUrlWithAPasswordAreSecretsToo() {
    assertThat(
            ClearSecrets.in(
                Map.of(
                    "connector.class", "PostgresSink",
                    "connection.sslpassword", "key-pass",
                    "connection.url", "postgresql://app:pw@db:5432/shop")))
        .containsExactly("connection.sslpassword", "connection.url");
  }

  @Test
  void aUrlWithoutAPasswordAndAnEmptyPasswordAreNotSecrets() {
    assertThat(
            ClearSecrets.in(
                Map.of(
                    "connector.class", "PostgresSourceConnector",
                    "connection.password", "",
                    "connection.url", "postgresql://app@db:5432/shop")))
        .isEmpty();
  }

  @Test
  void otherConnectorsAreNotLookedAt() {
    assertThat(
            ClearSecrets.in(
                Map.of(
                    "connector.class",
                    "io.confluent.connect.jdbc.JdbcSinkConnector",
                    "connection.password",
                    "s3cret")))
        .isEmpty();
    assertThat(ClearSecrets.in(Map.of("connection.password", "s3cret"))).isEmpty();
  }

  @Test
  void requestsThatCarryAConfigAreRecognised() {
    assertThat(ClearSecretsFilter.match("POST", List.of("connectors")))
        .isEqualTo(new ClearSecretsFilter.ConfigRequest("POST /connectors", null, true));
    assertThat(ClearSecretsFilter.match("PUT", List.of("connectors", "orders", "config")))
        .isEqualTo(
            new ClearSecretsFilter.ConfigRequest("PUT /connectors/orders/config", "orders", false));
    assertThat(ClearSecretsFilter.match("PATCH", List.of("connectors", "orders", "config")))
        .extracting(ClearSecretsFilter.ConfigRequest::connector)
        .isEqualTo("orders");
    assertThat(
            ClearSecretsFilter.match(
                "PUT",
                List.of("connector-plugins", "PostgresSourceConnector", "config", "validate")))
        .extracting(ClearSecretsFilter.ConfigRequest::wrapped)
        .isEqualTo(false);
  }

  @Test
  void otherRequestsAreNot() {
    assertThat(ClearSecretsFilter.match("GET", List.of("connectors", "orders", "config"))).isNull();
    assertThat(ClearSecretsFilter.match("DELETE", List.of("connectors", "orders"))).isNull();
    assertThat(ClearSecretsFilter.match("POST", List.of("connectors", "orders", "restart")))
        .isNull();
  }
}
