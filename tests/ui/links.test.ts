import { describe, expect, it } from "vitest";
import { httpsLink } from "../../ui/src/preview/links";

describe("httpsLink", () => {
  it("keeps an absolute https URL as given", () => {
    const url = "https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/S3/bucket-encryption.html#x";
    expect(httpsLink(url)).toBe(url);
  });

  it("offers nothing that is not https, or that hides credentials", () => {
    for (const url of [
      "http://www.trendmicro.com/kb",
      "HTTP://example.com/",
      "javascript:alert(1)",
      "file:///etc/passwd",
      "data:text/html,hi",
      "mailto:a@example.com",
      "//example.com/relative",
      "/relative/path",
      "https://user:secret@example.com/",
      "https://",
      "not a url",
      "",
      null,
      undefined,
    ]) {
      expect(httpsLink(url), String(url)).toBeNull();
    }
  });
});
