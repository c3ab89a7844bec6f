/**
 * Sites, the tenants of Yuno: their domains, plan, widget settings and owner keys, the owner and
 * operator API under {@code /api/sites}, and the cached site lookup that the hot paths
 * (authentication, {@code /ask}) read on every request. Other features reach a site only through
 * {@link com.helloyuno.site.SiteService}.
 */
@NullMarked
package com.helloyuno.site;

import org.jspecify.annotations.NullMarked;
