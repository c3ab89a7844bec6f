package com.helloyuno.site;

/**
 * Published when the demo site has just been created, so that other features can give it what a
 * newcomer's first chat needs (the knowledge base gives it a few documents about Yuno).
 */
public record DemoSiteCreated(String siteId) {}
