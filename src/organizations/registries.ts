// Public registers of cooperatives a treasurer can look a registry number up in, by jurisdiction.
// Only registers that take the number in the address are listed; elsewhere the number is shown as is.
const REGISTRY_SEARCH: Record<string, (n: string) => string> = {
  GB: (n) => `https://find-and-update.company-information.service.gov.uk/search?q=${encodeURIComponent(n)}`,
  UK: (n) => `https://find-and-update.company-information.service.gov.uk/search?q=${encodeURIComponent(n)}`,
  NL: (n) => `https://www.kvk.nl/zoeken/?source=all&q=${encodeURIComponent(n)}`,
  FR: (n) => `https://annuaire-entreprises.data.gouv.fr/rechercher?terme=${encodeURIComponent(n)}`,
  DE: (n) => `https://www.handelsregister.de/rp_web/normalesuche.xhtml?schlagwoerter=${encodeURIComponent(n)}`,
};

/** The register's search address for a registry number, or null where no register is known. */
export function registryLink(jurisdiction: string, registryNumber: string): string | null {
  const country = jurisdiction.trim().toUpperCase().slice(0, 2);
  const link = REGISTRY_SEARCH[country];
  return link ? link(registryNumber.trim()) : null;
}
