# One Dockerfile for every image of the stack: a shared builder stage runs Maven once for all the
# services, then one small runtime stage per service (`--target <service>`). docker-compose.yml
# builds them all; by hand, from the repository root:
#
#   docker build --target engine-gateway -t iii4j/engine-gateway .
#
# Build arguments:
#   BUILDER_IMAGE  a JDK 21+ with Maven 3.9 (default: the official maven image)
#   RUNTIME_IMAGE  a JRE 21+ with `sh` and `wget` (default: the official Eclipse Temurin JRE)
#   JARS_FROM      `build` (default): compile in the builder stage, with the Maven repository in a
#                  BuildKit cache mount that later builds reuse; `prebuilt`: take the
#                  `*/target/*-all.jar` of a `./mvnw package` already run in this folder (no
#                  second compilation; the builder stage is then skipped).
ARG BUILDER_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre-alpine
ARG JARS_FROM=build

FROM ${BUILDER_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dspotless.check.skip=true \
      -pl engine-gateway,state-service,cron-service,http-service,stream-service,queue-service,observability-service -am package \
 && mkdir /jars \
 && cp engine-gateway/target/*-all.jar state-service/target/*-all.jar cron-service/target/*-all.jar \
       http-service/target/*-all.jar stream-service/target/*-all.jar queue-service/target/*-all.jar \
       observability-service/target/*-all.jar /jars/

FROM scratch AS prebuilt
COPY engine-gateway/target/*-all.jar state-service/target/*-all.jar cron-service/target/*-all.jar \
     http-service/target/*-all.jar stream-service/target/*-all.jar queue-service/target/*-all.jar \
     observability-service/target/*-all.jar /jars/

FROM ${JARS_FROM} AS jars

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
# JAVA_OPTS sizes the heap from the container's memory limit (docker-compose.yml sets both).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# A fixed non-root user id; no account is needed for it.
USER 10001:10001
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar"]

FROM runtime AS engine-gateway
COPY --from=jars /jars/engine-gateway-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3120
EXPOSE 49134 3120
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1

FROM runtime AS state-service
COPY --from=jars /jars/state-service-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3121
EXPOSE 3121
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1

FROM runtime AS cron-service
COPY --from=jars /jars/cron-service-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3122
EXPOSE 3122
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1

FROM runtime AS observability-service
COPY --from=jars /jars/observability-service-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3126
EXPOSE 3126
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1

FROM runtime AS http-service
COPY --from=jars /jars/http-service-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3123
EXPOSE 3111 3123
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1

FROM runtime AS stream-service
COPY --from=jars /jars/stream-service-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3125
EXPOSE 3112 3125
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1

FROM runtime AS queue-service
COPY --from=jars /jars/queue-service-*-all.jar /app/app.jar
ENV ENGINE_MANAGEMENT_PORT=3124
EXPOSE 3124
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=12 \
  CMD wget -q -O /dev/null http://127.0.0.1:${ENGINE_MANAGEMENT_PORT}/health/readiness || exit 1
