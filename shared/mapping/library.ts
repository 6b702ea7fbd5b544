import pkg from '../../package.json' with { type: 'json' };

/** This forwarder's version, sent as `$lib_version`. */
export const LIB_VERSION: string = pkg.version;
