# Build stage: the Maven wrapper builds the jar with a JDK 25.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
COPY widget/yuno.js widget/demo.html widget/
COPY console console
RUN ./mvnw -B -ntp -q -DskipTests package && java -Djarmode=tools -jar target/yuno.jar extract --layers --destination /app

# Run stage: a JRE only, as a non-root user.
FROM eclipse-temurin:25-jre
RUN groupadd --system yuno && useradd --system --gid yuno --home /app yuno \
    && mkdir -p /var/lib/yuno/spool && chown -R yuno:yuno /var/lib/yuno
# The spool (chat history and leads waiting for PostgreSQL) must outlive the container and be
# writable by yuno: /app belongs to root. A named volume starts with this directory's owner.
ENV YUNO_SPOOL_DIR=/var/lib/yuno/spool
VOLUME ["/var/lib/yuno"]
WORKDIR /app
COPY --from=build /app/dependencies/ ./
COPY --from=build /app/spring-boot-loader/ ./
COPY --from=build /app/snapshot-dependencies/ ./
COPY --from=build /app/application/ ./
USER yuno
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "yuno.jar"]
