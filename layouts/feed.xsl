<?xml version="1.0" encoding="utf-8"?>
<!--
  Renders a capsule's RSS feed as a page that looks like the capsule's own site (same style.css), for
  the person who clicks "Feed" in a browser. XSLT 1.0: Chromium runs it natively (libxslt) and, where
  native XSLT is gone, layouts/feed-fallback.js runs this same file with xslt-processor.

  Entry HTML travels escaped in content:encoded / description. It is written with
  disable-output-escaping, which libxslt (Chromium, Safari) honours. Engines that ignore it on
  xsl:value-of (xslt-processor; Firefox too) write the markup as text, so every such container carries
  data-capsule-html="1" and feed-fallback.js, loaded by the page below, turns that text back into HTML.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:capsule="urn:capsule:1"
  exclude-result-prefixes="atom content capsule">

  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="channel" select="/rss/channel"/>
  <xsl:variable name="profile" select="$channel/capsule:profile"/>
  <xsl:variable name="self" select="$channel/atom:link[@rel = 'self']/@href"/>

  <xsl:variable name="name">
    <xsl:choose>
      <xsl:when test="normalize-space($profile/capsule:name)"><xsl:value-of select="$profile/capsule:name"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$channel/title"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="lang">
    <xsl:choose>
      <xsl:when test="normalize-space($channel/language)"><xsl:value-of select="normalize-space($channel/language)"/></xsl:when>
      <xsl:otherwise>en</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <!--
    The folder this stylesheet is served from, with the site's path prefix ("/" or "/repo/"): taken from
    the feed's own <?xml-stylesheet href="…/feed.xsl"?>, so style.css comes from whichever host serves the
    feed (a preview, the dev server, the real site). xslt-processor does not expose processing
    instructions, so feed-fallback.js passes the folder as the "assets" parameter. Last resort: the folder
    of the self link.
  -->
  <xsl:param name="assets"/>
  <xsl:variable name="stylesheet-pi" select="/processing-instruction('xml-stylesheet')[contains(., 'feed.xsl')]"/>
  <xsl:variable name="base">
    <xsl:choose>
      <xsl:when test="$assets"><xsl:value-of select="$assets"/></xsl:when>
      <xsl:when test="$stylesheet-pi">
        <xsl:value-of select="substring-before(substring-after($stylesheet-pi, 'href=&quot;'), 'feed.xsl')"/>
      </xsl:when>
      <xsl:when test="contains($self, 'feed.xml')"><xsl:value-of select="substring-before($self, 'feed.xml')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$channel/link"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$name"/> · web feed</title>
        <meta name="description" content="{$channel/description}"/>
        <link rel="stylesheet" href="{$base}style.css"/>
        <!-- Turns escaped entry HTML back into markup where disable-output-escaping was ignored. -->
        <script src="{$base}feed-fallback.js" defer="defer"></script>
      </head>
      <body class="feed-page">
        <a class="skip" href="#main">Skip to content</a>
        <!-- Tells feed-fallback.js whether this engine honoured disable-output-escaping: if it did, entry text
             that merely looks like markup must stay text (turning it into markup would run it). -->
        <div hidden="hidden" data-capsule-doe-probe=""><xsl:text disable-output-escaping="yes">&lt;i&gt;&lt;/i&gt;</xsl:text></div>
        <header class="site-header">
          <a class="site-name" href="{$channel/link}"><xsl:value-of select="$name"/></a>
          <nav aria-label="Site">
            <ul>
              <li><a href="{$channel/link}">Website</a></li>
              <xsl:variable name="opml" select="string($channel/capsule:following/@href)"/>
              <xsl:choose>
                <!-- A capsule's following.opml sits beside its Following page (following/). -->
                <xsl:when test="substring($opml, string-length($opml) - 13) = 'following.opml'">
                  <li><a href="{substring($opml, 1, string-length($opml) - 5)}/">Following</a></li>
                </xsl:when>
                <xsl:when test="$opml">
                  <li><a href="{$opml}" type="text/xml">Following</a></li>
                </xsl:when>
              </xsl:choose>
              <li><a href="{$self}" aria-current="page">Feed</a></li>
            </ul>
          </nav>
        </header>
        <main id="main">
          <section class="feed-banner" aria-labelledby="feed-banner-title">
            <p id="feed-banner-title" class="feed-banner-title">This is a web feed</p>
            <p>Copy its address into a feed reader or a Capsule to follow <xsl:value-of select="$name"/>. New posts come to you: no account, no algorithm.</p>
            <p class="feed-address">
              <label for="feed-url">Feed address</label>
              <input id="feed-url" type="text" readonly="readonly" spellcheck="false" value="{$self}"/>
            </p>
          </section>
          <xsl:apply-templates select="$channel" mode="profile"/>
          <section class="timeline" aria-labelledby="posts-title">
            <h2 id="posts-title" class="visually-hidden">Posts</h2>
            <xsl:apply-templates select="$channel/item"/>
            <xsl:if test="not($channel/item)">
              <p class="empty">Nothing posted yet.</p>
            </xsl:if>
          </section>
        </main>
        <footer class="site-footer">
          <p><xsl:value-of select="$name"/> publishes this capsule. Read it on the website: <a href="{$channel/link}"><xsl:value-of select="$channel/link"/></a></p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- The same h-card as layouts/profile.ts. -->
  <xsl:template match="channel" mode="profile">
    <xsl:variable name="avatar" select="($profile/capsule:avatar | image/url)[1]"/>
    <section class="profile h-card" aria-label="About {$name}">
      <xsl:if test="normalize-space($avatar)">
        <img class="avatar u-photo" src="{$avatar}" alt="" width="96" height="96"/>
      </xsl:if>
      <div class="profile-text">
        <h1 class="p-name"><xsl:value-of select="$name"/></h1>
        <xsl:if test="normalize-space($profile/capsule:handle)">
          <p class="handle"><a class="u-url" href="{link}"><xsl:value-of select="$profile/capsule:handle"/></a></p>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="normalize-space($profile/capsule:bio)"><p class="p-note bio"><xsl:value-of select="$profile/capsule:bio"/></p></xsl:when>
          <xsl:when test="normalize-space(description)"><p class="p-note bio"><xsl:value-of select="description"/></p></xsl:when>
        </xsl:choose>
        <xsl:if test="$profile/capsule:link">
          <ul class="profile-links">
            <xsl:for-each select="$profile/capsule:link">
              <li><a rel="me" href="{@href}"><xsl:value-of select="."/></a></li>
            </xsl:for-each>
          </ul>
        </xsl:if>
      </div>
      <xsl:if test="$profile/capsule:contact">
        <section class="contact" aria-label="Contact">
          <h2>Contact</h2>
          <ul>
            <xsl:for-each select="$profile/capsule:contact">
              <li><xsl:value-of select="@type"/>: <a href="{@href}"><xsl:value-of select="."/></a></li>
            </xsl:for-each>
          </ul>
        </section>
      </xsl:if>
      <xsl:if test="$profile/capsule:payment">
        <section class="support" aria-label="Support me">
          <h2>Support me</h2>
          <ul>
            <xsl:for-each select="$profile/capsule:payment">
              <li><a href="{@href}" title="{.}"><xsl:value-of select="@type"/></a><xsl:text> </xsl:text><code class="address"><xsl:value-of select="."/></code></li>
            </xsl:for-each>
          </ul>
        </section>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- A note in full (it has no title), an article as its title and summary: as on the home page. -->
  <xsl:template match="item">
    <xsl:choose>
      <xsl:when test="normalize-space(title)">
        <article class="entry article h-entry">
          <h2 class="p-name"><a class="u-url" href="{link}"><xsl:value-of select="title"/></a></h2>
          <xsl:if test="normalize-space(description)">
            <div class="p-summary" data-capsule-html="1"><xsl:value-of select="description" disable-output-escaping="yes"/></div>
          </xsl:if>
          <xsl:call-template name="meta"><xsl:with-param name="kind">Article</xsl:with-param></xsl:call-template>
        </article>
      </xsl:when>
      <xsl:otherwise>
        <article class="entry note h-entry">
          <div class="e-content" data-capsule-html="1">
            <xsl:choose>
              <xsl:when test="normalize-space(content:encoded)"><xsl:value-of select="content:encoded" disable-output-escaping="yes"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="description" disable-output-escaping="yes"/></xsl:otherwise>
            </xsl:choose>
          </div>
          <xsl:call-template name="meta"><xsl:with-param name="kind">Note</xsl:with-param></xsl:call-template>
        </article>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="meta">
    <xsl:param name="kind"/>
    <footer class="entry-meta">
      <xsl:value-of select="$kind"/>
      <xsl:if test="pubDate">
        <xsl:text> · </xsl:text>
        <a class="u-url" href="{link}"><xsl:call-template name="date"><xsl:with-param name="rfc822" select="normalize-space(pubDate)"/></xsl:call-template></a>
      </xsl:if>
      <xsl:if test="category">
        <xsl:text> · </xsl:text>
        <span class="tags">
          <xsl:for-each select="category">
            <xsl:if test="position() > 1"><xsl:text> </xsl:text></xsl:if>
            <span class="p-category">#<xsl:value-of select="."/></span>
          </xsl:for-each>
        </span>
      </xsl:if>
      <xsl:for-each select="enclosure">
        <xsl:text> · </xsl:text>
        <a class="enclosure" href="{@url}" download="">
          <xsl:call-template name="file-name"><xsl:with-param name="url" select="@url"/></xsl:call-template>
        </a>
        <xsl:if test="number(@length) > 0">
          <span class="size"> (<xsl:call-template name="size"><xsl:with-param name="bytes" select="number(@length)"/></xsl:call-template>)</span>
        </xsl:if>
      </xsl:for-each>
    </footer>
  </xsl:template>

  <!-- "Mon, 05 Oct 2026 00:00:00 +0000" → <time datetime="2026-10-05">5 Oct 2026</time> (RFC 822 as the feed writes it). -->
  <xsl:template name="date">
    <xsl:param name="rfc822"/>
    <xsl:variable name="rest" select="normalize-space(substring-after($rfc822, ','))"/>
    <xsl:variable name="day" select="substring-before($rest, ' ')"/>
    <xsl:variable name="month" select="substring(substring-after($rest, ' '), 1, 3)"/>
    <xsl:variable name="year" select="substring(substring-after(substring-after($rest, ' '), ' '), 1, 4)"/>
    <xsl:variable name="m" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $month)) div 3 + 1"/>
    <xsl:choose>
      <xsl:when test="$day and $month and string-length($year) = 4 and contains('JanFebMarAprMayJunJulAugSepOctNovDec', $month)">
        <time datetime="{$year}-{format-number($m, '00')}-{format-number($day, '00')}">
          <xsl:value-of select="concat(number($day), ' ', $month, ' ', $year)"/>
        </time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$rfc822"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="file-name">
    <xsl:param name="url"/>
    <xsl:choose>
      <xsl:when test="contains($url, '/')"><xsl:call-template name="file-name"><xsl:with-param name="url" select="substring-after($url, '/')"/></xsl:call-template></xsl:when>
      <xsl:when test="$url"><xsl:value-of select="$url"/></xsl:when>
      <xsl:otherwise>Attachment</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="size">
    <xsl:param name="bytes"/>
    <xsl:choose>
      <xsl:when test="$bytes &lt; 1024"><xsl:value-of select="$bytes"/> B</xsl:when>
      <xsl:when test="$bytes &lt; 1048576"><xsl:value-of select="round($bytes div 1024)"/> KB</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($bytes div 1048576, '0.0')"/> MB</xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
