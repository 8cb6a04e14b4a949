package dev.todokube.api.config;

import java.nio.file.Path;

/** PEM certificate chain and PKCS#8 private key for the gRPC port. */
public record TlsFiles(Path certChain, Path privateKey) {
}
