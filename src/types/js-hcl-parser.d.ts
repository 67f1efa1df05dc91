/** js-hcl-parser ships no types: parse returns JSON text, or an error message as a string. */
declare module 'js-hcl-parser' {
  const hcl: { parse(text: string): string; stringify(json: string): string };
  export default hcl;
}
