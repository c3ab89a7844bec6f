package com.helloyuno;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Yuno: one backend for many sites' AI chat widgets. Each subpackage is one feature. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class YunoApplication {

    public static void main(String[] args) {
        SpringApplication.run(YunoApplication.class, args);
    }
}
