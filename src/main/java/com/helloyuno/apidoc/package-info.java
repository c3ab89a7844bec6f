/**
 * The OpenAPI description ({@code /v3/api-docs}) as the wire is: springdoc reads the controllers,
 * and this package makes what it reads true to what Yuno sends and accepts: property names in the
 * application's JSON naming, required and nullable fields from the records' nullness, limits from
 * the typed settings, every refusal as a problem document with its codes, and the credentials each
 * operation takes. Controllers name what only they know with the annotations listed here; the
 * rules that hold for many operations live in {@link com.helloyuno.apidoc.ApiDocCustomizer}.
 */
@Room(entryPoints = {ApiDocs.class, ProblemResponse.class, ConfiguredMax.class, EventStream.class})
@NullMarked
package com.helloyuno.apidoc;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
