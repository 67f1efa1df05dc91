/**
 * Vault's JSON limits on request bodies: its listener's max_json_depth,
 * max_json_string_value_length, max_json_object_entry_count, max_json_array_element_count
 * and max_json_token, with Vault's defaults. The scanner (json-scanner.ts) checks them in
 * one linear pass before anything is parsed, as Vault's `jsonutil.VerifyMaxDepthStreaming`
 * does, and refuses keys that could reach an object prototype at every depth.
 */

/** Vault's JSON limits, per request body. */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays (max_json_depth). */
  maxDepth: number;
  /** Longest string, key or number, in raw bytes between its quotes (max_json_string_value_length). */
  maxStringLength: number;
  /** Most keys in one object (max_json_object_entry_count). */
  maxObjectEntries: number;
  /** Most elements in one array (max_json_array_element_count). */
  maxArrayElements: number;
  /** Most tokens (brackets, commas, colons, keys and values) in one body (max_json_token). */
  maxTokens: number;
}

/** Vault's defaults for its listener's JSON limits. */
export const VAULT_JSON_LIMITS: Readonly<JsonLimits> = {
  maxDepth: 300,
  maxStringLength: 1_048_576,
  maxObjectEntries: 10_000,
  maxArrayElements: 10_000,
  maxTokens: 500_000,
};

/** The refusal of a key that could reach an object prototype (a deliberate difference from Vault). */
export const PROTOTYPE_KEY_MESSAGE = 'keys named __proto__ or constructor.prototype are not supported';

/** How big a container may be and still be parsed in one JSON.parse call. */
export interface Segment {
  bytes: number;
  tokens: number;
}
