import{a}from"./S36REHFR.js";export{a as default};
